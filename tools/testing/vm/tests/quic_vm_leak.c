// SPDX-License-Identifier: GPL-2.0
/*
 * Test module for the debug lane's runner tests: loading it leaks one
 * allocation, which kmemleak must report and the runner must fail on.
 */

#include <linux/module.h>
#include <linux/slab.h>

static void *quic_vm_leak_ptr;

static int __init quic_vm_leak_init(void)
{
	/* Keep the allocation from being optimised out, then forget it. */
	WRITE_ONCE(quic_vm_leak_ptr, kmalloc(256, GFP_KERNEL));
	pr_info("quic_vm_leak: leaking %p\n", READ_ONCE(quic_vm_leak_ptr));
	WRITE_ONCE(quic_vm_leak_ptr, NULL);
	return 0;
}

static void __exit quic_vm_leak_exit(void)
{
}

module_init(quic_vm_leak_init);
module_exit(quic_vm_leak_exit);
MODULE_DESCRIPTION("Leaks memory to test kmemleak detection in the VM runner");
MODULE_LICENSE("GPL");
