// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_IOREGION as each revision defines it (spec notes, REG-*):
 *
 *  V1  removal when rfd or wfd is -1 (both must be, else EINVAL), flags not
 *      checked on removal; assign: size 0, wrap (a region may end at
 *      2^64-1), unknown flags -> EINVAL; bad rfd, then wfd -> EBADF;
 *      O_NONBLOCK -> EINVAL; collision -> EEXIST.
 *  V2  as V1, but unknown flags are rejected first, removals included.
 *  V3  unknown flags first; DEASSIGN selects removal (fds ignored); strict
 *      wrap check (a region touching 2^64 is rejected); size 0 needs
 *      POSTED_WRITES and makes an exact-address "sizeless" region that has no
 *      read fd; write fd checked before read fd; O_NONBLOCK allowed.
 *
 * Collisions are checked correctly (inclusive ends), which is what the RFC
 * meant; its off-by-one (B1) is a bug the suite reports on kernels.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "targets/reference/mutant.h"
#include "targets/reference/ref.h"

/* A sizeless region occupies 8 bytes for collision checks (REG-V3-6). */
static uint64_t footprint(const struct ref *ref, uint64_t size)
{
	return REF_HOOK(ref, footprint, size ? size : 8, size);
}

/* Whether [a, a + alen) and [b, b + blen) share a byte (REG-4; B1 is the RFC's off-by-one). */
static bool overlap(const struct ref *ref, uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	uint64_t a_end = a + (alen - 1), b_end = b + (blen - 1);

	return REF_HOOK(ref, overlaps, a <= b_end && b <= a_end, a, a_end, b, b_end);
}

/* @end: 0 the read fd, 1 the write fd; -1 for a bad fd. */
static int fd_flags(const struct ref *ref, int end, int fd)
{
	int fl = fd < 0 ? -1 : fcntl(fd, F_GETFL);

	return REF_HOOK(ref, fd_flags_seen, fl, end, fl);
}

/*
 * The serialization context of a read fd (ORD-2): one per pipe, socket or
 * FIFO, whatever open file reaches it and whichever bus the region is on.
 * RFC v3 keeps its contexts per bus, so an MMIO and a PIO region on one read
 * fd are not serialized (B10); the reference does what ORD-2 asks.
 */
static struct ref_ctx *ctx_get(struct ref *ref, int rfd, const struct kvm_ioregion *r, bool pio)
{
	struct ref_ctx *ctx = NULL;
	struct stat st;
	int i, free_slot = -1;

	if (fstat(rfd, &st))
		return NULL;
	REF_HOOK_DO(ref, ctx_identity, r, &st);
	pthread_mutex_lock(&ref->ctx_lock);
	for (i = 0; i < REF_MAX_REGIONS; i++) {
		struct ref_ctx *c = ref->ctxs[i];

		if (!c) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (c->dev == st.st_dev && c->ino == st.st_ino &&
		    REF_HOOK(ref, shares_ctx, true, c, pio)) {
			ctx = c;
			break;
		}
	}
	if (!ctx && free_slot >= 0) {
		ctx = calloc(1, sizeof(*ctx));
		if (ctx) {
			ctx->dev = st.st_dev;
			ctx->ino = st.st_ino;
			ctx->pio = pio;
			pthread_mutex_init(&ctx->lock, NULL);
			ctx->tail = &ctx->head;
			ref->ctxs[free_slot] = ctx;
		}
	}
	if (ctx)
		ctx->refs++;
	pthread_mutex_unlock(&ref->ctx_lock);
	return ctx;
}

static void ctx_put(struct ref *ref, struct ref_ctx *ctx)
{
	int i;

	if (!ctx)
		return;
	pthread_mutex_lock(&ref->ctx_lock);
	if (--ctx->refs == 0) {
		for (i = 0; i < REF_MAX_REGIONS; i++)
			if (ref->ctxs[i] == ctx)
				ref->ctxs[i] = NULL;
		pthread_mutex_destroy(&ctx->lock);
		free(ctx);
	}
	pthread_mutex_unlock(&ref->ctx_lock);
}

void ref_ctx_get(struct ref *ref, struct ref_ctx *ctx)
{
	pthread_mutex_lock(&ref->ctx_lock);
	ctx->refs++;
	pthread_mutex_unlock(&ref->ctx_lock);
}

void ref_ctx_put(struct ref *ref, struct ref_ctx *ctx)
{
	ctx_put(ref, ctx);
}

static void waiter_unlink(struct ref_ctx *ctx, struct ref_waiter *w)
{
	struct ref_waiter **pp;

	for (pp = &ctx->head; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			if (!*pp)
				ctx->tail = pp;
			return;
		}
	}
}

int ref_ctx_acquire(struct ref *ref, struct ref_ctx *ctx, int wake_fd)
{
	struct ref_waiter w = {.wake_fd = wake_fd};
	struct pollfd p = {.fd = wake_fd, .events = POLLIN};
	uint64_t v;
	int n;

	pthread_mutex_lock(&ctx->lock);
	if (!ctx->busy) {
		ctx->busy = true;
		pthread_mutex_unlock(&ctx->lock);
		return 0;
	}
	*ctx->tail = &w;
	ctx->tail = &w.next;
	pthread_mutex_unlock(&ctx->lock);
	for (;;) {
		n = ppoll(&p, 1, NULL, &ref->wait_mask);
		pthread_mutex_lock(&ctx->lock);
		if (w.granted)
			break;
		if (n < 0 && errno == EINTR) {
			/* Nothing taken, nothing sent: the next KVM_RUN waits again (B5). */
			waiter_unlink(ctx, &w);
			pthread_mutex_unlock(&ctx->lock);
			return REF_HOOK(ref, signal_in_ctx_wait, -EINTR);
		}
		pthread_mutex_unlock(&ctx->lock);
	}
	pthread_mutex_unlock(&ctx->lock);
	if (read(wake_fd, &v, sizeof(v)) < 0)
		v = 0; /* the count is only a doorbell */
	/*
	 * Handed the context just as a signal came: keep it, and keep the
	 * signal pending too, so that it interrupts the access at its next
	 * wait as it would in the kernel.
	 */
	if (n < 0 && errno == EINTR)
		pthread_kill(pthread_self(), SIGUSR1);
	return 0;
}

void ref_ctx_release(struct ref_ctx *ctx)
{
	uint64_t one = 1;
	struct ref_waiter *w;

	pthread_mutex_lock(&ctx->lock);
	w = ctx->head;
	if (w) {
		waiter_unlink(ctx, w);
		w->granted = true; /* busy stays set: the context changes hands */
		if (write(w->wake_fd, &one, sizeof(one)) < 0)
			perror("reference: waking the vCPU next in line");
	} else {
		ctx->busy = false;
	}
	pthread_mutex_unlock(&ctx->lock);
}

static void region_drop(struct ref *ref, struct ref_region *rg)
{
	if (rg->used)
		ref->bus_devs[rg->pio]--;
	if (rg->rfd >= 0 && rg->rfd != rg->wfd)
		close(rg->rfd);
	if (rg->wfd >= 0)
		close(rg->wfd);
	ctx_put(ref, rg->ctx);
	memset(rg, 0, sizeof(*rg));
}

static int ref_remove(struct ref *ref, const struct kvm_ioregion *r)
{
	bool pio = r->flags & KVM_IOREGION_PIO;
	int i;

	for (i = 0; i < ref->nr_slots; i++) {
		struct ref_region *rg = &ref->regions[i];

		if (rg->used && rg->pio == pio && rg->gpa == r->guest_paddr &&
		    REF_HOOK(ref, removal_matches, rg->size == r->memory_size, rg, r)) {
			region_drop(ref, rg);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * An fd open only the other way cannot serve its direction: refused like a
 * bad fd rather than accepted to fail every access (BUG-B23).
 */
static bool wrong_way(int fl, int only)
{
	return fl >= 0 && (fl & O_ACCMODE) == only;
}

/* Validation of an assign request, in the order of the revision's code. */
static int check_assign(const struct ref *ref, const struct kvm_ioregion *r)
{
	enum iorfd_rev rev = ref->rev;
	bool posted = r->flags & KVM_IOREGION_POSTED_WRITES;
	bool sizeless = rev == IORFD_V3 && !r->memory_size && posted;
	int rfl, wfl;

	if (rev == IORFD_V3) {
		if (r->guest_paddr + r->memory_size < r->guest_paddr)
			return -EINVAL;
		if (!r->memory_size && !posted)
			return -EINVAL;
		wfl = fd_flags(ref, 1, r->write_fd);
		if (wfl < 0)
			return -EBADF;
		rfl = sizeless ? 0 : fd_flags(ref, 0, r->read_fd);
		if (rfl < 0)
			return -EBADF;
		if (wrong_way(wfl, O_RDONLY) || (!sizeless && wrong_way(rfl, O_WRONLY)))
			return -EBADF;
		return 0;
	}

	if (!r->memory_size)
		return -EINVAL;
	if (r->guest_paddr + (r->memory_size - 1) < r->guest_paddr)
		return -EINVAL;
	if (r->flags & ~KVM_IOREGION_V12_FLAGS)
		return -EINVAL;
	rfl = fd_flags(ref, 0, r->read_fd);
	if (rfl < 0)
		return -EBADF;
	wfl = fd_flags(ref, 1, r->write_fd);
	if (wfl < 0)
		return -EBADF;
	if (wrong_way(wfl, O_RDONLY) || wrong_way(rfl, O_WRONLY))
		return -EBADF;
	if ((rfl | wfl) & O_NONBLOCK)
		return -EINVAL;
	return 0;
}

static bool collides(struct ref *ref, const struct kvm_ioregion *r)
{
	bool pio = r->flags & KVM_IOREGION_PIO;
	int i;

	for (i = 0; i < ref->nr_ioeventfds; i++) {
		const struct ref_ioeventfd *e = &ref->ioeventfds[i];

		if (e->pio == pio && overlap(ref, e->addr, footprint(ref, e->len), r->guest_paddr,
					     footprint(ref, r->memory_size)))
			return true;
	}
	for (i = 0; i < ref->nr_slots; i++) {
		const struct ref_region *rg = &ref->regions[i];

		if (rg->used && rg->pio == pio &&
		    overlap(ref, rg->gpa, footprint(ref, rg->size), r->guest_paddr,
			    footprint(ref, r->memory_size)))
			return true;
	}
	return false;
}

static int ref_assign(struct ref *ref, const struct kvm_ioregion *r)
{
	bool pio = r->flags & KVM_IOREGION_PIO;
	bool sizeless = !r->memory_size;
	struct ref_region *rg = NULL;
	int i, err;

	err = check_assign(ref, r);
	if (err)
		return err;
	if (collides(ref, r))
		return -EEXIST;
	if (ref->bus_devs[pio] >= REF_BUS_DEVS)
		return -ENOSPC;
	for (i = 0; i < REF_MAX_REGIONS && !rg; i++)
		if (!ref->regions[i].used)
			rg = &ref->regions[i];
	if (!rg)
		return -ENOSPC;
	if (i > ref->nr_slots)
		ref->nr_slots = i; /* the loop went one past the free slot */

	rg->wfd = fcntl(r->write_fd, F_DUPFD_CLOEXEC, 0);
	rg->rfd = sizeless ? -1 : fcntl(r->read_fd, F_DUPFD_CLOEXEC, 0);
	if (rg->wfd < 0 || (!sizeless && rg->rfd < 0)) {
		region_drop(ref, rg);
		return -EMFILE;
	}
	if (ref->rev != IORFD_V1 && !sizeless && REF_HOOK(ref, serializes, true)) {
		rg->ctx = ctx_get(ref, rg->rfd, r, pio);
		if (!rg->ctx) {
			region_drop(ref, rg);
			return -ENOMEM;
		}
	}
	rg->gpa = r->guest_paddr;
	rg->size = r->memory_size;
	rg->user_data = r->user_data;
	rg->pio = pio;
	rg->posted = r->flags & KVM_IOREGION_POSTED_WRITES;
	rg->used = true;
	ref->bus_devs[pio]++;
	return 0;
}

static bool is_removal(enum iorfd_rev rev, const struct kvm_ioregion *r, int *err)
{
	*err = 0;
	if (rev == IORFD_V3)
		return r->flags & KVM_IOREGION_DEASSIGN;
	if (r->read_fd != -1 && r->write_fd != -1)
		return false;
	if (r->read_fd != -1 || r->write_fd != -1)
		*err = -EINVAL;
	return true;
}

int ref_set_ioregion(struct ref *ref, const struct kvm_ioregion *r)
{
	unsigned int valid = ref->rev == IORFD_V3 ? KVM_IOREGION_V3_FLAGS : KVM_IOREGION_V12_FLAGS;
	int err;

	if (ref->rev != IORFD_V1 && (r->flags & ~valid))
		return -EINVAL;
	pthread_rwlock_wrlock(&ref->regions_lock);
	if (is_removal(ref->rev, r, &err))
		err = err ? err : ref_remove(ref, r);
	else
		err = ref_assign(ref, r);
	pthread_rwlock_unlock(&ref->regions_lock);
	return err;
}

struct ref_region *ref_lookup(struct ref *ref, bool pio, uint64_t addr, unsigned int len)
{
	int i;

	for (i = 0; i < ref->nr_slots; i++) {
		struct ref_region *rg = &ref->regions[i];

		if (!rg->used || rg->pio != pio)
			continue;
		if (!rg->size) {
			if (addr == rg->gpa)
				return rg;
			continue;
		}
		if (REF_HOOK(ref, contains,
			     addr >= rg->gpa && len <= rg->size && addr - rg->gpa <= rg->size - len,
			     rg, addr, len))
			return rg;
	}
	return NULL;
}

/*
 * KVM_IOEVENTFD through the reference: refused with EEXIST when it overlaps
 * a region on the same bus, else registered with KVM for real (so KVM
 * consumes the guest's writes there) and remembered for later regions.
 */
int ref_ioeventfd(struct ref *ref, const struct kvm_ioeventfd *e, int vm_fd)
{
	bool pio = e->flags & KVM_IOEVENTFD_FLAG_PIO;
	int i, err = 0;

	pthread_rwlock_wrlock(&ref->regions_lock);
	for (i = 0; i < ref->nr_slots && !err; i++) {
		const struct ref_region *rg = &ref->regions[i];

		if (rg->used && rg->pio == pio &&
		    overlap(ref, rg->gpa, footprint(ref, rg->size), e->addr,
			    footprint(ref, e->len)))
			err = -EEXIST;
	}
	if (!err && ref->nr_ioeventfds == REF_MAX_IOEVENTFDS)
		err = -ENOSPC;
	if (!err && ioctl(vm_fd, KVM_IOEVENTFD, e))
		err = -errno;
	if (!err && !(e->flags & KVM_IOEVENTFD_FLAG_DEASSIGN)) {
		struct ref_ioeventfd *r = &ref->ioeventfds[ref->nr_ioeventfds++];

		r->addr = e->addr;
		r->len = e->len;
		r->pio = pio;
	}
	pthread_rwlock_unlock(&ref->regions_lock);
	return err;
}

void ref_release_all(struct ref *ref)
{
	int i;

	pthread_rwlock_wrlock(&ref->regions_lock);
	for (i = 0; i < ref->nr_slots; i++)
		if (ref->regions[i].used)
			region_drop(ref, &ref->regions[i]);
	ref->nr_slots = 0;
	pthread_rwlock_unlock(&ref->regions_lock);
}
