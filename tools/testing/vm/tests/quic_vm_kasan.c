// SPDX-License-Identifier: GPL-2.0
/*
 * Test module for the debug lane's runner tests: loading it reads freed
 * memory once, which KASAN must report and the runner must fail on.
 */

#include <linux/module.h>
#include <linux/slab.h>

static int __init quic_vm_kasan_init(void)
{
	char *p = kmalloc(32, GFP_KERNEL);
	char c;

	if (!p)
		return -ENOMEM;
	kfree(p);
	c = READ_ONCE(p[8]);	/* use after free */
	pr_info("quic_vm_kasan: read %d\n", c);
	return 0;
}

static void __exit quic_vm_kasan_exit(void)
{
}

module_init(quic_vm_kasan_init);
module_exit(quic_vm_kasan_exit);
MODULE_DESCRIPTION("Reads freed memory to test KASAN detection in the VM runner");
MODULE_LICENSE("GPL");
