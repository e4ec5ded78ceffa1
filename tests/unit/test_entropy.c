// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the entropy pool (core/entropy.c) with a fake source: no
 * source means -ENODEV (never made-up bytes), the pool is filled at
 * registration and refilled while not full, bytes are handed out once and
 * wiped, a non-blocking read takes what is there, a blocking one waits for
 * the rest, one source only.
 */
#include "unit.h"
#include "kerrno.h"
#include <kestrel/entropy.h>

/* The fake device: answers refills with bytes 1, 2, 3, ... at once or on
 * fake_deliver. */
static struct {
	bool sync;
	size_t asked;		/* the last refill's want */
	unsigned int refills;
	u8 next;
	bool busy;
} fake;

static void fake_deliver(size_t n)
{
	u8 bytes[ENTROPY_POOL_SIZE];

	for (size_t i = 0; i < n; i++)
		bytes[i] = ++fake.next ? fake.next : ++fake.next;	/* never 0 */
	fake.busy = false;
	entropy_add(bytes, n);
}

static void fake_refill(void *priv, size_t want)
{
	fake.refills++;
	fake.asked = want;
	if (fake.busy)
		return;
	fake.busy = true;
	if (fake.sync)
		fake_deliver(MIN(want, (size_t)64));	/* a device gives less than asked */
}

static const struct entropy_source src = { "fake-rng", fake_refill, NULL };

/* One binary, one registration: the tests run in order on the same pool. */

static void test_no_source(void **state)
{
	u8 buf[16];

	assert_int_equal(entropy_read(buf, sizeof(buf), false), -ENODEV);
	assert_int_equal(entropy_read(buf, sizeof(buf), true), -ENODEV);
	assert_null(entropy_source_name());
	assert_int_equal(entropy_bytes_read(), 0);
}

static void test_register_fills_pool(void **state)
{
	u8 buf[ENTROPY_POOL_SIZE];

	assert_int_equal(entropy_register_source(&src), 0);
	assert_string_equal(entropy_source_name(), "fake-rng");
	assert_int_equal(fake.refills, 1);
	assert_int_equal(fake.asked, ENTROPY_POOL_SIZE);
	assert_int_equal(entropy_read(buf, 8, false), -EAGAIN);	/* nothing came yet */
	fake_deliver(100);
	assert_int_equal(entropy_bytes_read(), 100);
	/* Room left: the next refill was asked for at once. */
	assert_int_equal(fake.asked, ENTROPY_POOL_SIZE - 100);
	assert_true(fake.busy);
	fake_deliver(ENTROPY_POOL_SIZE);		/* more than fits */
	assert_int_equal(entropy_bytes_read(), 100 + ENTROPY_POOL_SIZE);

	unsigned int before = fake.refills;
	assert_int_equal(entropy_read(buf, sizeof(buf), false), ENTROPY_POOL_SIZE);
	for (unsigned int i = 0; i < sizeof(buf); i++)
		assert_int_not_equal(buf[i], 0);
	assert_int_equal(fake.refills, before + 1);
	assert_int_equal(entropy_read(buf, 8, false), -EAGAIN);	/* handed out once */
	assert_int_equal(entropy_read(buf, 0, false), 0);
}

static void test_partial_and_blocking_reads(void **state)
{
	u8 buf[300];

	fake.busy = false;
	fake_deliver(40);
	assert_int_equal(entropy_read(buf, sizeof(buf), false), 40);
	/* Blocking: refills answered at once, 64 bytes each, until 300 came. */
	fake.sync = true;
	fake.busy = false;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(entropy_read(buf, sizeof(buf), true), (int)sizeof(buf));
	for (unsigned int i = 0; i < sizeof(buf); i++)
		assert_int_not_equal(buf[i], 0);
}

static void test_one_source_only(void **state)
{
	static const struct entropy_source other = { "other", fake_refill, NULL };

	assert_int_equal(entropy_register_source(&other), -EBUSY);
	assert_console_contains("entropy: warning: other: a source (fake-rng) is registered "
				"already: not used");
	assert_string_equal(entropy_source_name(), "fake-rng");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_source),
		cmocka_unit_test(test_register_fills_pool),
		cmocka_unit_test(test_partial_and_blocking_reads),
		cmocka_unit_test(test_one_source_only),
	};

	fake_arch_reset();
	return cmocka_run_group_tests_name(__FILE__, tests, NULL, NULL);
}
