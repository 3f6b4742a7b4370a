// SPDX-License-Identifier: GPL-2.0-or-later
/* The test cases, shared with an in-tree KUnit build. */
#include "../../../../../../net/quic/test/pacing_test.c"
