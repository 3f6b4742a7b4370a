// SPDX-License-Identifier: GPL-2.0-or-later
/* The code under test, built into the test module. */
#include "../../../../../../net/quic/pacing.c"
