#include <linux/module.h>
#include <linux/export-internal.h>
#include <linux/compiler.h>

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



static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x5398627c, "iput" },
	{ 0xcd48a6b0, "filemap_alloc_folio_noprof" },
	{ 0xb5375359, "filemap_add_folio" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0xe783e261, "sysfs_emit" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0xe3aec4be, "inode_newsize_ok" },
	{ 0x6d334118, "__get_user_8" },
	{ 0x5d36dc41, "truncate_inode_pages_final" },
	{ 0x7eeb5820, "__filemap_get_folio" },
	{ 0x1e8f0f20, "const_pcpu_hot" },
	{ 0x8904fc8, "folio_mark_dirty" },
	{ 0xc94a7e77, "kern_mount" },
	{ 0x7cd8d75e, "page_offset_base" },
	{ 0x400062c3, "compat_ptr_ioctl" },
	{ 0x57bc19d2, "down_write" },
	{ 0xce807a25, "up_write" },
	{ 0x23b130e8, "copy_page_to_iter" },
	{ 0xb8e7ce2c, "__put_user_8" },
	{ 0x8f0b1b34, "misc_register" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x668b19a1, "down_read" },
	{ 0x54ae6f0e, "truncate_setsize" },
	{ 0x8c6c59d0, "copy_page_from_iter" },
	{ 0xf928152e, "init_pseudo" },
	{ 0x97651e6c, "vmemmap_base" },
	{ 0x30340980, "__folio_put" },
	{ 0x7e6e37b6, "iov_iter_zero" },
	{ 0xe27be913, "generic_delete_inode" },
	{ 0xd2a35f0c, "touch_atime" },
	{ 0xc07351b3, "__SCT__cond_resched" },
	{ 0x3b11f26f, "kern_unmount" },
	{ 0xfcf7c051, "kill_anon_super" },
	{ 0x384bfd41, "generic_write_checks" },
	{ 0x4dacd6c5, "generic_file_llseek" },
	{ 0x53b954a2, "up_read" },
	{ 0xbe133580, "filemap_migrate_folio" },
	{ 0xa33c821, "alloc_anon_inode" },
	{ 0xc37da9a3, "misc_deregister" },
	{ 0x89349e17, "clear_inode" },
	{ 0xe28aa97, "param_ops_ulong" },
	{ 0x84d55564, "noop_fsync" },
	{ 0x450a8849, "folio_unlock" },
	{ 0x29649bb4, "filemap_map_pages" },
	{ 0xc792317e, "simple_statfs" },
	{ 0xa95112c, "noop_dirty_folio" },
	{ 0x2f9b2b9a, "module_layout" },
};

MODULE_INFO(depends, "");

