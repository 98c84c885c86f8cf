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
	{ 0x65229e98, "noop_fsync" },
	{ 0xc55d268e, "folio_unlock" },
	{ 0xb95c95e0, "filemap_map_pages" },
	{ 0x3329266d, "simple_statfs" },
	{ 0xd8f70f8c, "noop_dirty_folio" },
	{ 0x9bb08504, "iput" },
	{ 0x8f924107, "filemap_add_folio" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0xe783e261, "sysfs_emit" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x19e0569, "inode_newsize_ok" },
	{ 0x6d334118, "__get_user_8" },
	{ 0xf853f0fb, "filemap_alloc_folio" },
	{ 0x41a86908, "truncate_inode_pages_final" },
	{ 0xfff3faf8, "__filemap_get_folio" },
	{ 0x2bbf8dc8, "folio_mark_dirty" },
	{ 0xf746e5fe, "PageHeadHuge" },
	{ 0x32ac5d54, "kern_mount" },
	{ 0x7cd8d75e, "page_offset_base" },
	{ 0x3ef022ec, "compat_ptr_ioctl" },
	{ 0xbcb36fe4, "hugetlb_optimize_vmemmap_key" },
	{ 0x57bc19d2, "down_write" },
	{ 0xce807a25, "up_write" },
	{ 0xfea5cbdf, "copy_page_to_iter" },
	{ 0x68fb37ae, "current_task" },
	{ 0xb8e7ce2c, "__put_user_8" },
	{ 0x844c8938, "misc_register" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x668b19a1, "down_read" },
	{ 0x2eda62cb, "truncate_setsize" },
	{ 0x400cf030, "copy_page_from_iter" },
	{ 0x4b9336d5, "init_pseudo" },
	{ 0x97651e6c, "vmemmap_base" },
	{ 0xd184be77, "__folio_put" },
	{ 0x12bc4118, "iov_iter_zero" },
	{ 0xda3834b2, "generic_delete_inode" },
	{ 0xb35eb3c6, "touch_atime" },
	{ 0xc07351b3, "__SCT__cond_resched" },
	{ 0x33e6db42, "kern_unmount" },
	{ 0x81926b01, "kill_anon_super" },
	{ 0x83e68c4f, "generic_write_checks" },
	{ 0x1390b297, "generic_file_llseek" },
	{ 0x53b954a2, "up_read" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "");

