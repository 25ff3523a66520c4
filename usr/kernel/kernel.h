/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "kernel" transport: SCSI commands from the in-kernel target
 * transport class scsi_tgt (kernel/scsi_tgt.c), over generic netlink
 * (include/scsi_tgt_nl.h).
 *
 * A kernel target host H serves the target it is bound to:
 *   tgtadm --lld kernel --mode target --op bind --tid N --host H
 * (tgtd.conf: "kernel_host = H" in [target N]).  Each initiator port on
 * the host becomes an I_T nexus; name ACLs apply to the initiator name the
 * kernel reports, and address ACL "ALL" admits kernel nexuses (they have
 * no address).
 *
 * Without the scsi_tgt module the transport starts inactive (a warning)
 * and keeps trying to register every 2 s, so loading the module, or an
 * rmmod/insmod cycle, needs no tgtd restart.
 */
#ifndef TGT_KERNEL_KERNEL_H
#define TGT_KERNEL_KERNEL_H

#include "core/tgt.h"

extern const struct tgt_lld_ops kernel_lld_ops;

#endif
