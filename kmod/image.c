// SPDX-License-Identifier: GPL-2.0
/*
 * The life of executable memory, and the only file that changes page
 * permissions.  An image is never writable and executable at once:
 *
 *   module_alloc()        RW + NX   (x86's module_alloc maps PAGE_KERNEL)
 *   memcpy, int3 fill     RW + NX
 *   set_memory_ro/x       RO + X    sealed; checked through the page tables
 *   ... runs ...
 *   set_memory_nx/rw      RW + NX   after an RCU grace period (caller)
 *   vfree()
 *
 * module_alloc() puts the pages within 2 GiB of kernel text, where the
 * kernel's own JITs put their code.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/pgtable_types.h>

#include "ksyms.h"
#include "sealjit.h"

static LIST_HEAD(sj_images);
static DEFINE_MUTEX(sj_images_lock);

static unsigned long pte_flags_of(void *addr)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)addr, &level);

	return pte ? pte_flags(*pte) : 0;
}

static bool is_sealed(unsigned long flags)
{
	return (flags & _PAGE_PRESENT) && !(flags & _PAGE_RW) &&
	       !(flags & _PAGE_NX);
}

static bool is_writable_nx(unsigned long flags)
{
	return (flags & _PAGE_PRESENT) && (flags & _PAGE_RW) &&
	       (flags & _PAGE_NX);
}

/* Every page of the image must carry the expected permissions. */
static bool pages_are(struct sj_image *img, bool (*want)(unsigned long))
{
	u32 i;

	for (i = 0; i < img->pages; i++)
		if (!want(pte_flags_of(img->mem + i * PAGE_SIZE)))
			return false;
	return true;
}

static void free_pages_of(struct sj_image *img)
{
	const struct sj_ksyms *k = sj_ksyms();
	unsigned long addr = (unsigned long)img->mem;

	k->set_memory_nx(addr, img->pages);
	k->set_memory_rw(addr, img->pages);
	vfree(img->mem);
}

/**
 * sj_image_create() - copy native code into sealed executable pages
 * @code: the JIT's output
 * @len: its size
 *
 * Context: process context, may sleep.
 * Return: the image, or ERR_PTR(-ENOMEM), or ERR_PTR(-EIO) if the pages did
 * not end up read-only and executable (the image is then never run).
 */
struct sj_image *sj_image_create(const u8 *code, u32 len)
{
	const struct sj_ksyms *k = sj_ksyms();
	struct sj_image *img;
	unsigned long addr;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return ERR_PTR(-ENOMEM);
	img->pages = DIV_ROUND_UP(len, PAGE_SIZE);
	img->len = len;
	img->mem = k->module_alloc(img->pages * PAGE_SIZE);
	if (!img->mem) {
		kfree(img);
		return ERR_PTR(-ENOMEM);
	}
	addr = (unsigned long)img->mem;

	memset(img->mem, 0xcc, img->pages * PAGE_SIZE);
	memcpy(img->mem, code, len);
	img->pte_before = pte_flags_of(img->mem);
	if (!pages_are(img, is_writable_nx))
		goto not_sealed;

	if (k->set_memory_ro(addr, img->pages) ||
	    k->set_memory_x(addr, img->pages) || !pages_are(img, is_sealed))
		goto not_sealed;

	img->entry = (sj_image_fn)img->mem;
	mutex_lock(&sj_images_lock);
	list_add_tail(&img->node, &sj_images);
	mutex_unlock(&sj_images_lock);
	atomic_inc(&sj_stats.images);
	return img;

not_sealed:
	pr_err("image at %p: page permissions are not W^X as required; refusing it\n",
	       img->mem);
	free_pages_of(img);
	kfree(img);
	return ERR_PTR(-EIO);
}

/**
 * sj_image_destroy() - unseal and free an image
 * @img: an image no task can be running any more (after an RCU grace
 *	period since its filter's last reference went away)
 *
 * Context: process context, may sleep.
 */
void sj_image_destroy(struct sj_image *img)
{
	mutex_lock(&sj_images_lock);
	list_del(&img->node);
	mutex_unlock(&sj_images_lock);
	free_pages_of(img);
	kfree(img);
	atomic_dec(&sj_stats.images);
}

static void flags_text(struct seq_file *m, const char *what,
		       unsigned long flags)
{
	seq_printf(m, " %s=%s,%s", what, flags & _PAGE_RW ? "rw" : "ro",
		   flags & _PAGE_NX ? "nx" : "x");
}

/* For debugfs: one line per live image, with its page flags now. */
void sj_image_show(struct seq_file *m)
{
	struct sj_image *img;

	mutex_lock(&sj_images_lock);
	list_for_each_entry(img, &sj_images, node) {
		seq_printf(m, "%pK pages=%u len=%u", img->mem, img->pages,
			   img->len);
		flags_text(m, "before", img->pte_before);
		flags_text(m, "now", pte_flags_of(img->mem));
		seq_puts(m, "\n");
	}
	mutex_unlock(&sj_images_lock);
}
