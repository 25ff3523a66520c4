/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SCSI constants from SPC-4/SPC-5 and SBC-3/SBC-4: operation codes, sense
 * keys, additional sense codes (as 0xASCQ-packed 16-bit values: asc << 8 |
 * ascq) and peripheral device types.
 */
#ifndef TGT_SCSI_DEFS_H
#define TGT_SCSI_DEFS_H

/* Operation codes. */
#define TEST_UNIT_READY		0x00
#define REQUEST_SENSE		0x03
#define FORMAT_UNIT		0x04
#define READ_6			0x08
#define WRITE_6			0x0a
#define INQUIRY			0x12
#define MODE_SELECT_6		0x15
#define RESERVE_6		0x16
#define RELEASE_6		0x17
#define MODE_SENSE_6		0x1a
#define START_STOP_UNIT		0x1b
#define SEND_DIAGNOSTIC		0x1d
#define PREVENT_ALLOW_MEDIUM_REMOVAL 0x1e
#define READ_CAPACITY_10	0x25
#define READ_10			0x28
#define WRITE_10		0x2a
#define WRITE_VERIFY_10		0x2e
#define VERIFY_10		0x2f
#define PRE_FETCH_10		0x34
#define SYNCHRONIZE_CACHE_10	0x35
#define WRITE_BUFFER		0x3b
#define READ_BUFFER		0x3c
#define UNMAP			0x42
#define LOG_SELECT		0x4c
#define LOG_SENSE		0x4d
#define MODE_SELECT_10		0x55
#define RESERVE_10		0x56
#define RELEASE_10		0x57
#define MODE_SENSE_10		0x5a
#define PERSISTENT_RESERVE_IN	0x5e
#define PERSISTENT_RESERVE_OUT	0x5f
#define READ_16			0x88
#define COMPARE_AND_WRITE	0x89
#define WRITE_16		0x8a
#define WRITE_VERIFY_16		0x8e
#define VERIFY_16		0x8f
#define PRE_FETCH_16		0x90
#define SYNCHRONIZE_CACHE_16	0x91
#define WRITE_SAME_16		0x93
#define SERVICE_ACTION_IN_16	0x9e
#define REPORT_LUNS		0xa0
#define MAINTENANCE_IN		0xa3
#define MAINTENANCE_OUT		0xa4
#define READ_12			0xa8
#define WRITE_12		0xaa
#define WRITE_VERIFY_12		0xae
#define VERIFY_12		0xaf
#define WRITE_SAME_10		0x41

/* Service actions. */
#define SAI_READ_CAPACITY_16	0x10
#define SAI_GET_LBA_STATUS	0x12
#define MI_REPORT_SUPPORTED_OPCODES	0x0c
#define MI_REPORT_SUPPORTED_TMFS	0x0d

/* Sense keys. */
#define SK_NO_SENSE		0x0
#define SK_RECOVERED_ERROR	0x1
#define SK_NOT_READY		0x2
#define SK_MEDIUM_ERROR		0x3
#define SK_HARDWARE_ERROR	0x4
#define SK_ILLEGAL_REQUEST	0x5
#define SK_UNIT_ATTENTION	0x6
#define SK_DATA_PROTECT		0x7
#define SK_ABORTED_COMMAND	0xb
#define SK_MISCOMPARE		0xe

/* Additional sense code / qualifier pairs. */
#define ASC_NO_ADDITIONAL_SENSE		0x0000
#define ASC_LUN_NOT_READY_MANUAL	0x0403	/* manual intervention */
#define ASC_LUN_NOT_READY_START		0x0402	/* initializing cmd required */
#define ASC_WRITE_ERROR			0x0c00
#define ASC_READ_ERROR			0x1100	/* unrecovered read error */
#define ASC_PARAM_LIST_LENGTH_ERROR	0x1a00
#define ASC_INVALID_OPCODE		0x2000
#define ASC_LBA_OUT_OF_RANGE		0x2100
#define ASC_INVALID_FIELD_IN_CDB	0x2400
#define ASC_LUN_NOT_SUPPORTED		0x2500
#define ASC_INVALID_FIELD_IN_PARAM	0x2600
#define ASC_PARAM_NOT_SUPPORTED		0x2601
#define ASC_INVALID_PARAM_VALUE		0x2602
#define ASC_WRITE_PROTECTED		0x2700
#define ASC_SPACE_ALLOC_FAILED_WP	0x2707
#define ASC_POWER_ON_OCCURRED		0x2901
#define ASC_POWER_ON_RESET		0x2900
#define ASC_BUS_RESET			0x2902
#define ASC_BUS_DEVICE_RESET		0x2903	/* LUN reset */
#define ASC_NEXUS_LOSS			0x2907	/* I_T nexus loss */
#define ASC_PARAMS_CHANGED		0x2a00
#define ASC_MODE_PARAMS_CHANGED		0x2a01
#define ASC_RESERVATIONS_PREEMPTED	0x2a03
#define ASC_RESERVATIONS_RELEASED	0x2a04
#define ASC_REGISTRATIONS_PREEMPTED	0x2a05
#define ASC_CAPACITY_CHANGED		0x2a09
#define ASC_COMMANDS_CLEARED_OTHER	0x2f00	/* by another initiator */
#define ASC_SAVING_PARAMS_UNSUP		0x3900
#define ASC_INQUIRY_DATA_CHANGED	0x3f03
#define ASC_REPORTED_LUNS_CHANGED	0x3f0e
#define ASC_INTERNAL_TARGET_FAILURE	0x4400
#define ASC_MISCOMPARE_VERIFY		0x1d00
#define ASC_LOGICAL_UNIT_FAILURE	0x3e01
#define ASC_MEDIUM_NOT_PRESENT		0x3a00

/* Peripheral device types. */
#define TYPE_DISK		0x00
#define TYPE_RAID		0x0c	/* storage array controller */
#define TYPE_NO_LUN		0x7f	/* qualifier 011b, type 1Fh */

#endif
