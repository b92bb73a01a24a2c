// SPDX-License-Identifier: GPL-2.0
/*
 * The life of executable memory, and the only file that changes page
 * permissions.  An image is never writable and executable at once:
 *
 *   sj_image_alloc()   module_alloc()         RW + NX, all int3
 *   (the JIT emits into a separate scratch buffer, for img->entry)
 *   sj_image_seal()    copy, SHA-256, set_memory_ro/x   RO + X, checked
 *                      (the constant pool's pages: RO + NX, checked)
 *   sj_image_run_entry() the only way in (checks a per-boot cookie)
 *   sj_image_destroy() set_memory_nx/rw, vfree          after RCU (caller)
 *
 * module_alloc() puts the pages within 2 GiB of kernel text, where the
 * kernel's own JITs put their code (and where a rel32 jump reaches the
 * return thunk).  The code starts at a random 16-byte-aligned offset in
 * its pages, like the kernel's bpf_jit_binary_alloc().  The filter's
 * constants live in pages of their own after the code's, which are never
 * executable: the code reads them rip-relative, so no constant the
 * filter's author chose is ever in executable memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/sha2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/pgtable_types.h>

#include "compat.h"
#include "ksyms.h"
#include "sealjit.h"

#define SJ_IMAGE_ALIGN	16

#define SJ_MIN_SLACK	128	/* bytes of random placement, at least */

static LIST_HEAD(sj_images);
static DEFINE_MUTEX(sj_images_lock);

/*
 * Module memory is shared by the whole machine: insmod, kprobes, ftrace
 * trampolines and the kernel's BPF JIT all allocate from it, and any user
 * may LOAD.  So the images' share is capped, as the kernel's BPF JIT caps
 * its own (bpf_jit_limit): this cannot be charged to a memory cgroup,
 * module_alloc() takes no gfp flags.
 */
static unsigned long image_limit = 64UL << 20;
module_param(image_limit, ulong, 0644);
MODULE_PARM_DESC(image_limit,
		 "bytes of module memory all images together may hold (default 64 MiB)");

/* What an image of @pages holds of the module area: vmalloc's guard too. */
static unsigned long footprint(u32 pages)
{
	return (pages + 1UL) * PAGE_SIZE;
}

static bool charge(unsigned long bytes)
{
	unsigned long limit = READ_ONCE(image_limit);

	if (atomic_long_add_return(bytes, &sj_stats.image_bytes) <= limit)
		return true;
	atomic_long_sub(bytes, &sj_stats.image_bytes);
	pr_warn_ratelimited("image memory at its limit (image_limit=%lu bytes): refusing a filter of pid %d\n",
			    limit, task_pid_nr(current));
	return false;
}

static unsigned long sj_entry_secret __ro_after_init;

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

static bool is_ro_nx(unsigned long flags)
{
	return (flags & _PAGE_PRESENT) && !(flags & _PAGE_RW) &&
	       (flags & _PAGE_NX);
}

/* Pages @first.. @first + @n - 1 must carry the expected permissions. */
static bool pages_are(struct sj_image *img, u32 first, u32 n,
		      bool (*want)(unsigned long))
{
	u32 i;

	for (i = first; i < first + n; i++)
		if (!want(pte_flags_of(img->mem + i * PAGE_SIZE)))
			return false;
	return true;
}

/*
 * What the digest covers: the code's pages, every byte of them, and the
 * pool's slots (the rest of the pool's pages is never read or executed,
 * and hashing it would cost a page's worth per image).
 */
static void image_digest(const struct sj_image *img, u8 *out)
{
	struct sha256_state state;

	sha256_init(&state);
	sha256_update(&state, img->mem, img->code_pages * PAGE_SIZE);
	sha256_update(&state, (const u8 *)img->pool,
		      img->pool_len * sizeof(u32));
	sha256_final(&state, out);
}

/**
 * sj_jit_opts_for() - how the JIT must emit code for this kernel
 * @opts: filled in: constants read from the image's pool, returns through
 *	the return thunk in force where the CPU wants one, endbr64 at the
 *	entry on an IBT kernel
 * @base: the address the code will run at, 0 when only sizing
 * @pool: the address of its constants' pool slots, 0 when only sizing
 */
void sj_jit_opts_for(struct sj_jit_opts *opts, unsigned long base,
		     unsigned long pool)
{
	opts->blind = false;
	opts->key = 0;
	opts->pool = true;
	opts->pool_addr = pool;
	opts->base = base;
	opts->ret_thunk = sj_cpu_wants_return_thunk() ?
			  sj_ksyms()->return_thunk : 0;
	opts->endbr = sj_kernel_wants_endbr();
}

/**
 * sj_image_alloc() - executable-to-be pages for @len bytes of code
 * @len: the image size
 * @pool_len: 4-byte slots of its constant pool
 *
 * Context: process context, may sleep.
 * Return: an unsealed image (RW + NX, filled with int3) whose ->entry is
 * where the code must be emitted for and ->pool where its constants go;
 * ERR_PTR(-ENOSPC) if it would take the images past image_limit, or
 * ERR_PTR(-ENOMEM).
 */
struct sj_image *sj_image_alloc(u32 len, u32 pool_len)
{
	const struct sj_ksyms *k = sj_ksyms();
	u32 slack, pool_pages, pool_bytes = pool_len * sizeof(u32);
	struct sj_image *img;

	img = kzalloc(sizeof(*img), GFP_KERNEL_ACCOUNT);
	if (!img)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&img->node);
	img->code_pages = DIV_ROUND_UP(len + SJ_MIN_SLACK, PAGE_SIZE);
	pool_pages = DIV_ROUND_UP(pool_bytes, PAGE_SIZE);
	img->pages = img->code_pages + pool_pages;
	img->len = len;
	img->pool_len = pool_len;
	if (!charge(footprint(img->pages))) {
		kfree(img);
		return ERR_PTR(-ENOSPC);
	}
	img->mem = k->module_alloc(img->pages * PAGE_SIZE);
	if (!img->mem) {
		atomic_long_sub(footprint(img->pages), &sj_stats.image_bytes);
		kfree(img);
		return ERR_PTR(-ENOMEM);
	}
	memset(img->mem, 0xcc, img->pages * PAGE_SIZE);
	slack = img->code_pages * PAGE_SIZE - len;
	img->offset = (get_random_u32() % (slack + 1)) & ~(SJ_IMAGE_ALIGN - 1);
	img->entry = (sj_image_fn)(img->mem + img->offset);
	slack = pool_pages * PAGE_SIZE - pool_bytes;
	img->pool = img->mem + img->code_pages * PAGE_SIZE +
		    ((get_random_u32() % (slack + 1)) & ~(SJ_IMAGE_ALIGN - 1));
	img->nentries = 1;
	return img;
}

/**
 * sj_image_set_entries() - an image that packs several functions
 * @img: from sj_image_alloc(), not sealed yet
 * @offsets: where each function starts, from img->entry: 0 first, then
 *	increasing, 16-byte aligned, inside the image
 * @n: how many (at most 1 + SJ_MAX_SPEC)
 *
 * Return: 0, or -EINVAL for a layout that is not one.
 */
int sj_image_set_entries(struct sj_image *img, const u32 *offsets, u32 n)
{
	u32 k;

	if (img->sealed || !n || n > 1 + SJ_MAX_SPEC || offsets[0])
		return -EINVAL;
	for (k = 1; k < n; k++) {
		if (offsets[k] <= offsets[k - 1] || offsets[k] >= img->len ||
		    offsets[k] % SJ_IMAGE_ALIGN)
			return -EINVAL;
		img->sub[k - 1] = offsets[k];
	}
	img->nentries = n;
	return 0;
}

/**
 * sj_image_seal() - copy the code in and seal the pages
 * @img: from sj_image_alloc()
 * @code: img->len bytes emitted for img->entry
 * @pool: img->pool_len slots, the constants the code reads
 *
 * Context: process context, may sleep.
 * Return: 0, or -EIO if the code's pages did not end up read-only and
 * executable, or the pool's read-only and not executable (the image is
 * then never run; the caller destroys it).
 */
int sj_image_seal(struct sj_image *img, const u8 *code, const u32 *pool)
{
	const struct sj_ksyms *k = sj_ksyms();
	unsigned long addr = (unsigned long)img->mem;
	u32 i;

	memcpy(img->mem + img->offset, code, img->len);
	memcpy(img->pool, pool, img->pool_len * sizeof(u32));
	img->pte_before = pte_flags_of(img->mem);
	if (!pages_are(img, 0, img->pages, is_writable_nx))
		goto not_sealed;
	image_digest(img, img->digest);
	img->sealed = true;
	if (k->set_memory_ro(addr, img->pages) ||
	    k->set_memory_x(addr, img->code_pages) ||
	    !pages_are(img, 0, img->code_pages, is_sealed) ||
	    !pages_are(img, img->code_pages, img->pages - img->code_pages,
		       is_ro_nx))
		goto not_sealed;

	img->cookie = (unsigned long)img->entry ^ sj_entry_secret;
	for (i = 1; i < img->nentries; i++)
		img->sub_cookie[i - 1] = ((unsigned long)img->entry +
					  img->sub[i - 1]) ^ sj_entry_secret;
	mutex_lock(&sj_images_lock);
	list_add_tail(&img->node, &sj_images);
	mutex_unlock(&sj_images_lock);
	atomic_inc(&sj_stats.images);
	return 0;

not_sealed:
	pr_err("image at %p: page permissions are not W^X as required; refusing it\n",
	       img->mem);
	return -EIO;
}

/**
 * sj_image_run_entry() - the dispatcher: the only way into native code
 * @img: a sealed image
 * @k: which of its functions: 0 for the image's entry, else a function of
 *	a packed image, below img->nentries
 * @sd: the syscall
 *
 * Calls the function only if the address about to be called, xored with
 * the per-boot secret, is the cookie written when the image was sealed:
 * an image struct corrupted by a stray write (or an attacker who does not
 * know the secret) cannot steer the call anywhere else, whatever else in
 * it is wrong.  A mismatch kills the syscall's task rather than run it.
 * Context: the syscall path: no locks, no allocation.
 */
u32 sj_image_run_entry(const struct sj_image *img, u32 k,
		       const struct seccomp_data *sd)
{
	unsigned long entry = (unsigned long)img->entry, cookie = img->cookie;

	if (k) {
		if (unlikely(k >= img->nentries))
			goto bad;
		entry += img->sub[k - 1];
		cookie = img->sub_cookie[k - 1];
	}
	if (unlikely(!img->sealed || (entry ^ sj_entry_secret) != cookie))
		goto bad;
	return ((sj_image_fn)entry)(sd);
bad:
	atomic_inc(&sj_stats.bad_entries);
	pr_err_ratelimited("refusing to enter a corrupted image\n");
	return SECCOMP_RET_KILL_PROCESS;
}

/**
 * sj_image_destroy() - unseal and free an image
 * @img: an image no task can be running any more (after an RCU grace
 *	period since its filter's last reference went away), or one that
 *	never got sealed
 *
 * Context: process context, may sleep.
 */
void sj_image_destroy(struct sj_image *img)
{
	const struct sj_ksyms *k = sj_ksyms();
	unsigned long addr = (unsigned long)img->mem;

	if (!list_empty(&img->node)) {
		mutex_lock(&sj_images_lock);
		list_del_init(&img->node);
		mutex_unlock(&sj_images_lock);
		atomic_dec(&sj_stats.images);
	}
	k->set_memory_nx(addr, img->pages);
	k->set_memory_rw(addr, img->pages);
	vfree(img->mem);
	atomic_long_sub(footprint(img->pages), &sj_stats.image_bytes);
	kfree(img);
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
		seq_printf(m, "%pK pages=%u offset=%u len=%u entries=%u pool_pages=%u pool_slots=%u",
			   img->mem, img->pages, img->offset, img->len,
			   img->nentries, img->pages - img->code_pages,
			   img->pool_len);
		flags_text(m, "before", img->pte_before);
		flags_text(m, "now", pte_flags_of(img->mem));
		if (img->pages > img->code_pages)
			flags_text(m, "pool", pte_flags_of(img->pool));
		if (img->ret_thunk)
			seq_printf(m, " return=%ps", (void *)img->ret_thunk);
		else
			seq_puts(m, " return=ret");
		seq_printf(m, " sha256=%*phN\n", 8, img->digest);
	}
	mutex_unlock(&sj_images_lock);
}

/**
 * sj_image_verify_all() - re-hash every live image against its digest
 * @m: where to report
 *
 * Return: the number of images whose pages changed since they were sealed.
 */
int sj_image_verify_all(struct seq_file *m)
{
	u8 digest[SHA256_DIGEST_SIZE];
	struct sj_image *img;
	int n = 0, bad = 0;

	mutex_lock(&sj_images_lock);
	list_for_each_entry(img, &sj_images, node) {
		image_digest(img, digest);
		n++;
		if (memcmp(digest, img->digest, sizeof(digest))) {
			bad++;
			seq_printf(m, "mismatch %pK\n", img->mem);
		}
	}
	mutex_unlock(&sj_images_lock);
	atomic_add(bad, &sj_stats.digest_mismatches);
	seq_printf(m, "verified %d images, %d mismatches\n", n, bad);
	return bad;
}

#ifdef SEALJIT_DEBUG
/**
 * sj_image_tamper() - (debug builds) change one byte of the newest image
 *
 * Only for the test that proves sj_image_verify_all() notices: flips a
 * byte of int3 padding (never executed), going through RW + NX and back,
 * so that W^X holds even here.
 * Return: 0, or -ENOENT if there is no image.
 */
int sj_image_tamper(void)
{
	const struct sj_ksyms *k = sj_ksyms();
	struct sj_image *img;
	unsigned long addr;
	u8 *pad;

	mutex_lock(&sj_images_lock);
	if (list_empty(&sj_images)) {
		mutex_unlock(&sj_images_lock);
		return -ENOENT;
	}
	img = list_last_entry(&sj_images, struct sj_image, node);
	addr = (unsigned long)img->mem;
	pad = img->offset ? img->mem : img->mem + img->offset + img->len;
	k->set_memory_nx(addr, img->pages);
	k->set_memory_rw(addr, img->pages);
	*pad ^= 0x01;
	k->set_memory_ro(addr, img->pages);
	k->set_memory_x(addr, img->code_pages);
	mutex_unlock(&sj_images_lock);
	return 0;
}

/*
 * (debug builds) the raw pages of every live image, for scans by tests:
 * the executable ones, or (@pool) those of the constant pools.
 */
void sj_image_dump(struct seq_file *m, bool pool)
{
	struct sj_image *img;

	mutex_lock(&sj_images_lock);
	list_for_each_entry(img, &sj_images, node) {
		if (pool)
			seq_write(m, img->mem + img->code_pages * PAGE_SIZE,
				  (img->pages - img->code_pages) * PAGE_SIZE);
		else
			seq_write(m, img->mem, img->code_pages * PAGE_SIZE);
	}
	mutex_unlock(&sj_images_lock);
}
#endif

void __init sj_image_init(void)
{
	sj_entry_secret = get_random_long() | 1;
}
