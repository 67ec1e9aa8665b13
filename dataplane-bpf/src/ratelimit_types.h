/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* ratelimit_types.h - the rate limiter's private per-CPU state. */
#ifndef SG_RATELIMIT_TYPES_H
#define SG_RATELIMIT_TYPES_H

#include <linux/types.h>

/* Count-min sketch: 2 rows of 4096 cells, a cell (window & 0xff) << 24 |
 * count, so a new window resets a cell lazily when it is next touched. 32 KiB
 * per CPU: it stays in cache under any flood. */
#define SKETCH_ROWS		2
#define SKETCH_WIDTH_BITS	12
#define SKETCH_WIDTH		(1 << SKETCH_WIDTH_BITS)
#define SKETCH_LINE_CELLS	16
#define SKETCH_LINES		(SKETCH_ROWS * SKETCH_WIDTH / SKETCH_LINE_CELLS)
#define SKETCH_COUNT_MAX	0xffffffu

struct sketch_line {
	__u32 cell[SKETCH_LINE_CELLS];
};

struct cpu_state {
	__u64 window;		/* clock >> SG_WINDOW_SHIFT */
	__u32 syns;		/* SYNs fed to the sketch this window */
	__u32 admitted;		/* rate table admissions this window */
	__u32 events;		/* events sent this window */
	__u32 gate;		/* SYNs a new source must show to be admitted */
};

#endif /* SG_RATELIMIT_TYPES_H */
