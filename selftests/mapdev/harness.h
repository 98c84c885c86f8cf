/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h, with a longer timeout per test: the tests also run
 * under TCG on a KASAN and lockdep kernel, where 30 seconds is not enough.
 */
#ifndef MAPDEV_SELFTEST_HARNESS_H
#define MAPDEV_SELFTEST_HARNESS_H

#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

#endif /* MAPDEV_SELFTEST_HARNESS_H */
