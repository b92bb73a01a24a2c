// SPDX-License-Identifier: GPL-2.0
/*
 * The life of executable memory, and the only file that changes page
 * permissions.  No page is ever writable and executable at once.
 *
 * Images live in packs, as the kernel's BPF programs do (bpf_prog_pack):
 * a pack is module memory filled with int3 and sealed once, its code pages
 * read-only + executable, its constant pools' pages read-only + never
 * executable, before any image is in it.  An image is written into its
 * pack only through text_poke_copy(), which maps the page at a temporary
 * writable, non-executable alias in a private mm: the executable mapping
 * is never writable, and once a pack exists a LOAD changes no permission
 * and flushes no other CPU's TLB.
 *
 *   sj_image_alloc()   room in a pack           int3, RO + X (pool RO + NX)
 *   (the JIT emits into a separate scratch buffer, for img->entry, and the
 *   validator checks it there)
 *   sj_image_seal()    text_poke_copy, compare, SHA-256, check permissions
 *   sj_image_run_entry() the only way in (checks a per-boot cookie;
 *                      sealjit.h, inlined where the hook calls it)
 *   sj_image_destroy() int3 again, room freed      after RCU (caller)
 *
 * module_alloc() puts packs within 2 GiB of kernel text, where the
 * kernel's own JITs put their code (and where a rel32 jump reaches the
 * return thunk).  An image takes a run of 64-byte chunks at a random free
 * place in its pack, and its code starts at a random 16-byte boundary in
 * the 128 bytes or more of int3 around it; its constants take 16-byte
 * chunks of the pool pages.  The filter's constants live
 * in the pack's pool pages: the code reads them rip-relative, so no
 * constant the filter's author chose is ever in executable memory.
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
#define SJ_CHUNK	64	/* a pack's unit of allocation: code */
#define SJ_POOL_CHUNK	16	/* and constants */

/* A pack's size, unless one image needs more. */
#define SJ_PACK_CODE_PAGES	128
#define SJ_PACK_POOL_PAGES	32

/**
 * struct sj_pack - module memory shared by images, sealed once
 * @node: in sj_packs
 * @mem: its code pages, then its pool pages
 * @code_pages: read-only + executable
 * @pool_pages: read-only, never executable
 * @code_map: the code's chunks in use
 * @pool_map: the pool's chunks in use
 * @users: images in it
 */
struct sj_pack {
	struct list_head node;
	u8 *mem;
	u32 code_pages;
	u32 pool_pages;
	unsigned long *code_map;
	unsigned long *pool_map;
	u32 users;
};

/* Packs and live images, under sj_images_lock. */
static LIST_HEAD(sj_packs);
static LIST_HEAD(sj_images);
static DEFINE_MUTEX(sj_images_lock);

/*
 * Module memory is shared by the whole machine: insmod, kprobes, ftrace
 * trampolines and the kernel's BPF JIT all allocate from it, and any user
 * may LOAD.  So the packs' share is capped, as the kernel's BPF JIT caps
 * its own (bpf_jit_limit): this cannot be charged to a memory cgroup,
 * module_alloc() takes no gfp flags.
 */
static unsigned long image_limit = 64UL << 20;
module_param(image_limit, ulong, 0644);
MODULE_PARM_DESC(image_limit,
		 "bytes of module memory all images together may hold (default 64 MiB)");

/* What a pack of @pages holds of the module area: vmalloc's guard too. */
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

/* sj_image_run_entry()'s, inlined in the hook. */
unsigned long sj_entry_secret __ro_after_init;

/* Every permission change goes through here, to be counted. */
static int protect(int (*set)(unsigned long, int), void *addr, u32 pages)
{
	atomic_long_inc(&sj_stats.perm_changes);
	return set((unsigned long)addr, pages);
}

static unsigned long pte_flags_of(const void *addr)
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

/* Every page that [@addr, @addr + @len) touches has the permissions. */
static bool range_is(const u8 *addr, u32 len, bool (*want)(unsigned long))
{
	unsigned long p = (unsigned long)addr & PAGE_MASK;

	for (; p < (unsigned long)addr + len; p += PAGE_SIZE)
		if (!want(pte_flags_of((void *)p)))
			return false;
	return true;
}

static u32 code_chunks(const struct sj_pack *pack)
{
	return pack->code_pages * PAGE_SIZE / SJ_CHUNK;
}

static u32 pool_chunks(const struct sj_pack *pack)
{
	return pack->pool_pages * PAGE_SIZE / SJ_POOL_CHUNK;
}

static void pack_free(struct sj_pack *pack)
{
	const struct sj_ksyms *k = sj_ksyms();
	u32 pages = pack->code_pages + pack->pool_pages;

	if (pack->mem) {
		protect(k->set_memory_nx, pack->mem, pages);
		protect(k->set_memory_rw, pack->mem, pages);
		vfree(pack->mem);
		atomic_long_sub(footprint(pages), &sj_stats.image_bytes);
		atomic_dec(&sj_stats.packs);
	}
	bitmap_free(pack->code_map);
	bitmap_free(pack->pool_map);
	kfree(pack);
}

/*
 * A new pack with room for @code and @pool bytes at least, all int3,
 * sealed: the two set_memory calls every image used to cost, now once per
 * pack.  The pack belongs to the module, not to the loader that happened
 * to need it, so its bookkeeping is not charged to a memory cgroup.
 */
static struct sj_pack *pack_new(u32 code, u32 pool)
{
	const struct sj_ksyms *k = sj_ksyms();
	struct sj_pack *pack;
	u32 pages;

	pack = kzalloc(sizeof(*pack), GFP_KERNEL);
	if (!pack)
		return ERR_PTR(-ENOMEM);
	pack->code_pages = max_t(u32, SJ_PACK_CODE_PAGES,
				 DIV_ROUND_UP(code, PAGE_SIZE));
	pack->pool_pages = max_t(u32, SJ_PACK_POOL_PAGES,
				 DIV_ROUND_UP(pool, PAGE_SIZE));
	pages = pack->code_pages + pack->pool_pages;
	pack->code_map = bitmap_zalloc(code_chunks(pack), GFP_KERNEL);
	pack->pool_map = bitmap_zalloc(pool_chunks(pack), GFP_KERNEL);
	if (!pack->code_map || !pack->pool_map) {
		pack_free(pack);
		return ERR_PTR(-ENOMEM);
	}
	if (!charge(footprint(pages))) {
		pack_free(pack);
		return ERR_PTR(-ENOSPC);
	}
	pack->mem = k->module_alloc(pages * PAGE_SIZE);
	if (!pack->mem) {
		atomic_long_sub(footprint(pages), &sj_stats.image_bytes);
		pack_free(pack);
		return ERR_PTR(-ENOMEM);
	}
	atomic_inc(&sj_stats.packs);
	memset(pack->mem, 0xcc, pages * PAGE_SIZE);
	if (!range_is(pack->mem, pages * PAGE_SIZE, is_writable_nx) ||
	    protect(k->set_memory_ro, pack->mem, pages) ||
	    protect(k->set_memory_x, pack->mem, pack->code_pages) ||
	    !range_is(pack->mem, pack->code_pages * PAGE_SIZE, is_sealed) ||
	    !range_is(pack->mem + pack->code_pages * PAGE_SIZE,
		      pack->pool_pages * PAGE_SIZE, is_ro_nx)) {
		pr_err("pack at %p: page permissions are not W^X as required; refusing it\n",
		       pack->mem);
		pack_free(pack);
		return ERR_PTR(-EIO);
	}
	return pack;
}

/* @n free chunks of @map (@bits long) from a random place on, or -1. */
static long find_room(unsigned long *map, u32 bits, u32 n)
{
	unsigned long at;

	at = bitmap_find_next_zero_area(map, bits, get_random_u32() % bits,
					n, 0);
	if (at + n > bits)
		at = bitmap_find_next_zero_area(map, bits, 0, n, 0);
	return at + n > bits ? -1 : (long)at;
}

/* Room for @img in @pack, or false; under sj_images_lock. */
static bool take_room(struct sj_pack *pack, struct sj_image *img)
{
	u32 nc = img->code_size / SJ_CHUNK, np = img->pool_size / SJ_POOL_CHUNK;
	long c, p;

	c = find_room(pack->code_map, code_chunks(pack), nc);
	if (c < 0)
		return false;
	p = find_room(pack->pool_map, pool_chunks(pack), np);
	if (p < 0)
		return false;
	bitmap_set(pack->code_map, c, nc);
	bitmap_set(pack->pool_map, p, np);
	pack->users++;
	img->pack = pack;
	img->mem = pack->mem + c * SJ_CHUNK;
	img->pool_mem = pack->mem + pack->code_pages * PAGE_SIZE +
			p * SJ_POOL_CHUNK;
	return true;
}

/*
 * Gives @img's room back, under sj_images_lock.  Return: its pack if that
 * is now empty and not the only one, for the caller to free outside the
 * lock; one empty pack is kept, so that a load after the last image went
 * away changes no permission either.
 */
static struct sj_pack *give_room(struct sj_image *img)
{
	struct sj_pack *pack = img->pack;

	bitmap_clear(pack->code_map, (img->mem - pack->mem) / SJ_CHUNK,
		     img->code_size / SJ_CHUNK);
	bitmap_clear(pack->pool_map,
		     (img->pool_mem - pack->mem -
		      pack->code_pages * PAGE_SIZE) / SJ_POOL_CHUNK,
		     img->pool_size / SJ_POOL_CHUNK);
	if (--pack->users || list_is_singular(&sj_packs))
		return NULL;
	list_del(&pack->node);
	return pack;
}

/*
 * What the digest covers: every byte of the image's code chunks (its int3
 * padding too) and its pool's slots.
 */
static void image_digest(const struct sj_image *img, u8 *out)
{
	struct sha256_state state;

	sha256_init(&state);
	sha256_update(&state, img->mem, img->code_size);
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
 * sj_image_alloc() - room in a pack for @len bytes of code
 * @len: the image size
 * @pool_len: 4-byte slots of its constant pool
 *
 * Context: process context, may sleep.
 * Return: an unwritten image (its room all int3) whose ->entry is where
 * the code must be emitted for and ->pool where its constants go;
 * ERR_PTR(-ENOSPC) if a new pack would take the images past image_limit,
 * ERR_PTR(-EIO) if a new pack's permissions are wrong, or
 * ERR_PTR(-ENOMEM).
 */
struct sj_image *sj_image_alloc(u32 len, u32 pool_len)
{
	struct sj_pack *pack;
	struct sj_image *img;
	u32 slack;

	img = kzalloc(sizeof(*img), GFP_KERNEL_ACCOUNT);
	if (!img)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&img->node);
	img->len = len;
	img->pool_len = pool_len;
	img->code_size = ALIGN(len + SJ_MIN_SLACK, SJ_CHUNK);
	img->pool_size = ALIGN(max_t(u32, pool_len, 1) * sizeof(u32),
			       SJ_POOL_CHUNK);
	mutex_lock(&sj_images_lock);
	list_for_each_entry(pack, &sj_packs, node)
		if (take_room(pack, img))
			goto placed;
	pack = pack_new(img->code_size, img->pool_size);
	if (IS_ERR(pack)) {
		mutex_unlock(&sj_images_lock);
		kfree(img);
		return ERR_CAST(pack);
	}
	list_add_tail(&pack->node, &sj_packs);
	take_room(pack, img);
placed:
	mutex_unlock(&sj_images_lock);
	slack = img->code_size - len;
	img->offset = (img->mem - img->pack->mem) +
		      ((get_random_u32() % (slack + 1)) & ~(SJ_IMAGE_ALIGN - 1));
	img->entry = (sj_image_fn)(img->pack->mem + img->offset);
	img->pool = (u32 *)img->pool_mem;
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
 * sj_image_seal() - write the code and constants into the image's pack
 * @img: from sj_image_alloc()
 * @code: img->len bytes emitted for img->entry, already validated
 * @pool: img->pool_len slots, the constants the code reads
 *
 * The bytes go in through text_poke_copy()'s temporary alias; nothing
 * can reach them until the filter is published, after this returns.
 * Context: process context, may sleep.
 * Return: 0, or -EIO if what the pages hold is not what was validated, or
 * the code's pages are not read-only and executable and the pool's
 * read-only and not executable (the image is then never run; the caller
 * destroys it).
 */
int sj_image_seal(struct sj_image *img, const u8 *code, const u32 *pool)
{
	const struct sj_ksyms *k = sj_ksyms();
	u32 i, pool_bytes = img->pool_len * sizeof(u32);

	img->pte_before = pte_flags_of(img->entry);
	if (!is_sealed(img->pte_before))
		goto not_sealed;
	img->written = true;
	if (!k->text_poke_copy(img->entry, code, img->len) ||
	    (pool_bytes && !k->text_poke_copy(img->pool, pool, pool_bytes)) ||
	    memcmp(img->entry, code, img->len) ||
	    memcmp(img->pool, pool, pool_bytes) ||
	    !range_is(img->mem, img->code_size, is_sealed) ||
	    !range_is(img->pool_mem, img->pool_size, is_ro_nx))
		goto not_sealed;
	image_digest(img, img->digest);
	img->sealed = true;
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
	pr_err("image at %p: its pages are not what was validated, or not W^X as required; refusing it\n",
	       img->entry);
	return -EIO;
}

/*
 * sj_image_run_entry() (sealjit.h) found an image struct that does not
 * match its cookie: count it, say so, and kill rather than run anything.
 */
u32 sj_image_bad_entry(void)
{
	atomic_inc(&sj_stats.bad_entries);
	pr_err_ratelimited("refusing to enter a corrupted image\n");
	return SECCOMP_RET_KILL_PROCESS;
}

/**
 * sj_image_destroy() - put int3 back where an image was, and free its room
 * @img: an image no task can be running any more (after an RCU grace
 *	period since its filter's last reference went away), or one that
 *	never got sealed
 *
 * Context: process context, may sleep.
 */
void sj_image_destroy(struct sj_image *img)
{
	const struct sj_ksyms *k = sj_ksyms();
	struct sj_pack *empty;

	/* Before the room is free: a new image may be written there next. */
	if (img->written) {
		k->text_poke_set(img->mem, 0xcc, img->code_size);
		k->text_poke_set(img->pool_mem, 0xcc, img->pool_size);
	}
	mutex_lock(&sj_images_lock);
	if (!list_empty(&img->node)) {
		list_del_init(&img->node);
		atomic_dec(&sj_stats.images);
	}
	empty = give_room(img);
	mutex_unlock(&sj_images_lock);
	if (empty)
		pack_free(empty);
	kfree(img);
}

static void flags_text(struct seq_file *m, const char *what,
		       unsigned long flags)
{
	seq_printf(m, " %s=%s,%s", what, flags & _PAGE_RW ? "rw" : "ro",
		   flags & _PAGE_NX ? "nx" : "x");
}

/* For debugfs: one line per pack, then one per live image. */
void sj_image_show(struct seq_file *m)
{
	struct sj_image *img;
	struct sj_pack *pack;

	mutex_lock(&sj_images_lock);
	list_for_each_entry(pack, &sj_packs, node) {
		seq_printf(m, "pack %pK code_pages=%u pool_pages=%u images=%u",
			   pack->mem, pack->code_pages, pack->pool_pages,
			   pack->users);
		flags_text(m, "code", pte_flags_of(pack->mem));
		flags_text(m, "pool", pte_flags_of(pack->mem +
						   pack->code_pages * PAGE_SIZE));
		seq_putc(m, '\n');
	}
	list_for_each_entry(img, &sj_images, node) {
		seq_printf(m, "image %pK offset=%u len=%u entries=%u pool_slots=%u",
			   img->pack->mem, img->offset, img->len,
			   img->nentries, img->pool_len);
		flags_text(m, "before", img->pte_before);
		flags_text(m, "now", pte_flags_of(img->entry));
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
 * byte of the int3 padding around the code (never executed), through the
 * same temporary alias the images are written through.
 * Return: 0, or -ENOENT if there is no image.
 */
int sj_image_tamper(void)
{
	struct sj_image *img;
	u8 *pad, byte;

	mutex_lock(&sj_images_lock);
	if (list_empty(&sj_images)) {
		mutex_unlock(&sj_images_lock);
		return -ENOENT;
	}
	img = list_last_entry(&sj_images, struct sj_image, node);
	pad = (u8 *)img->entry > img->mem ? img->mem :
	      (u8 *)img->entry + img->len;
	byte = *pad ^ 0x01;
	sj_ksyms()->text_poke_copy(pad, &byte, 1);
	mutex_unlock(&sj_images_lock);
	return 0;
}

/*
 * (debug builds) the raw pages of every pack, for scans by tests: the
 * executable ones, or (@pool) those of the constant pools.
 */
void sj_image_dump(struct seq_file *m, bool pool)
{
	struct sj_pack *pack;

	mutex_lock(&sj_images_lock);
	list_for_each_entry(pack, &sj_packs, node) {
		if (pool)
			seq_write(m, pack->mem + pack->code_pages * PAGE_SIZE,
				  pack->pool_pages * PAGE_SIZE);
		else
			seq_write(m, pack->mem, pack->code_pages * PAGE_SIZE);
	}
	mutex_unlock(&sj_images_lock);
}
#endif

void __init sj_image_init(void)
{
	sj_entry_secret = get_random_long() | 1;
}

/* Module exit, once every image is gone: the pack kept for the next load. */
void sj_image_exit(void)
{
	struct sj_pack *pack, *tmp;

	list_for_each_entry_safe(pack, tmp, &sj_packs, node) {
		WARN_ON(pack->users);
		list_del(&pack->node);
		pack_free(pack);
	}
}
