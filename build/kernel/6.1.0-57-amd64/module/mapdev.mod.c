#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif


static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x26cb2ac3, "filemap_migrate_folio" },
	{ 0x621d66c6, "alloc_anon_inode" },
	{ 0x47978cc, "misc_deregister" },
	{ 0x6572ae55, "clear_inode" },
	{ 0xa421e6e4, "param_ops_ulong" },
	{ 0x13c49cc2, "_copy_from_user" },
	{ 0x65229e98, "noop_fsync" },
	{ 0xc55d268e, "folio_unlock" },
	{ 0xb95c95e0, "filemap_map_pages" },
	{ 0x5b56860c, "vm_munmap" },
	{ 0x3329266d, "simple_statfs" },
	{ 0x8dfe087e, "__mmap_lock_do_trace_acquire_returned" },
	{ 0x7d27d33f, "fget" },
	{ 0xd8f70f8c, "noop_dirty_folio" },
	{ 0xbfc1d1a, "check_zeroed_user" },
	{ 0x37a0cba, "kfree" },
	{ 0x9bb08504, "iput" },
	{ 0x2db5105b, "vm_mmap" },
	{ 0x8e14270a, "get_unmapped_area" },
	{ 0x970f9df6, "__tracepoint_mmap_lock_acquire_returned" },
	{ 0xbb709d16, "__module_get" },
	{ 0xa59c5e71, "__tracepoint_mmap_lock_released" },
	{ 0xb19a5453, "__per_cpu_offset" },
	{ 0xba8fbd64, "_raw_spin_lock" },
	{ 0x8f924107, "filemap_add_folio" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0xe783e261, "sysfs_emit" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x19e0569, "inode_newsize_ok" },
	{ 0x6d334118, "__get_user_8" },
	{ 0x57c6e5fe, "get_user_pages" },
	{ 0xa19b956, "__stack_chk_fail" },
	{ 0x41a86908, "truncate_inode_pages_final" },
	{ 0xfff3faf8, "__filemap_get_folio" },
	{ 0x2bbf8dc8, "folio_mark_dirty" },
	{ 0x23b4e0d7, "clear_page_rep" },
	{ 0xc6cbbc89, "capable" },
	{ 0xacba8788, "find_vma" },
	{ 0xa59b97f5, "module_put" },
	{ 0xf746e5fe, "PageHeadHuge" },
	{ 0x32ac5d54, "kern_mount" },
	{ 0x7cd8d75e, "page_offset_base" },
	{ 0x3ef022ec, "compat_ptr_ioctl" },
	{ 0xbcb36fe4, "hugetlb_optimize_vmemmap_key" },
	{ 0x68f31cbd, "__list_add_valid" },
	{ 0x19083add, "release_pages" },
	{ 0xa1194a8a, "fput" },
	{ 0x57bc19d2, "down_write" },
	{ 0xce807a25, "up_write" },
	{ 0x954cef6f, "init_on_alloc" },
	{ 0x4dfa8d4b, "mutex_lock" },
	{ 0x925493f, "clear_page_orig" },
	{ 0x811c69da, "folio_alloc" },
	{ 0x9084b044, "clear_page_erms" },
	{ 0x53a1e8d9, "_find_next_bit" },
	{ 0xe1537255, "__list_del_entry_valid" },
	{ 0xfea5cbdf, "copy_page_to_iter" },
	{ 0x68fb37ae, "current_task" },
	{ 0x9e683f75, "__cpu_possible_mask" },
	{ 0xb8e7ce2c, "__put_user_8" },
	{ 0x844c8938, "misc_register" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x17de3d5, "nr_cpu_ids" },
	{ 0x62f7e207, "down_read_killable" },
	{ 0x668b19a1, "down_read" },
	{ 0x5690cb1e, "__mmdrop" },
	{ 0x2eda62cb, "truncate_setsize" },
	{ 0x400cf030, "copy_page_from_iter" },
	{ 0x4b9336d5, "init_pseudo" },
	{ 0x34e148d7, "__mmap_lock_do_trace_start_locking" },
	{ 0x97651e6c, "vmemmap_base" },
	{ 0x82664c09, "alloc_file_pseudo" },
	{ 0x3213f038, "mutex_unlock" },
	{ 0x2956c81b, "__tracepoint_mmap_lock_start_locking" },
	{ 0xd184be77, "__folio_put" },
	{ 0x6729d3df, "__get_user_4" },
	{ 0x2d129d4a, "__mmap_lock_do_trace_released" },
	{ 0x12bc4118, "iov_iter_zero" },
	{ 0xc07351b3, "__SCT__cond_resched" },
	{ 0x5b8613b5, "truncate_inode_pages_range" },
	{ 0x29dbef7c, "__folio_lock" },
	{ 0x78d27962, "boot_cpu_data" },
	{ 0x33e6db42, "kern_unmount" },
	{ 0x81926b01, "kill_anon_super" },
	{ 0x606e9d01, "kmalloc_trace" },
	{ 0x83e68c4f, "generic_write_checks" },
	{ 0xb5b54b34, "_raw_spin_unlock" },
	{ 0x1390b297, "generic_file_llseek" },
	{ 0x53b954a2, "up_read" },
	{ 0xcc5d22d9, "can_do_mlock" },
	{ 0x99f2d00a, "sysfs_emit_at" },
	{ 0xe2c17b5d, "__SCT__might_resched" },
	{ 0x7a7caba8, "kmalloc_caches" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "");

