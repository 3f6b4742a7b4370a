// SPDX-License-Identifier: GPL-2.0
/*
 * Test module for the VM runner's own tests: loading it triggers one
 * kernel WARN, which the runner must report as a failure.
 */

#include <linux/bug.h>
#include <linux/module.h>

static int __init quic_vm_warn_init(void)
{
	WARN(1, "quic_vm_warn: deliberate warning for the runner's tests\n");
	return 0;
}

static void __exit quic_vm_warn_exit(void)
{
}

module_init(quic_vm_warn_init);
module_exit(quic_vm_warn_exit);
MODULE_DESCRIPTION("Raises one WARN to test the VM runner");
MODULE_LICENSE("GPL");
