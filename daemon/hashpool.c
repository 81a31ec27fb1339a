#include "hashpool.h"

#include <errno.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "password.h"

struct job {
	struct job *next;
	bool is_check;
	char *hash;      /* check: the stored hash */
	char *password;
	bool match;
	char result[PASSWORD_HASH_LEN];
	int failed;
	hashpool_check_fn check_done;
	hashpool_hash_fn hash_done;
	void *arg;
};

struct hashpool {
	struct hashpool_opts opts;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *todo_head, *todo_tail;
	struct job *done_head;   /* finished, waiting for the loop */
	int pending;             /* touched only by the loop thread */
	bool stopping;
	int efd;
	struct event *done_ev;
	pthread_t *threads;
	int n_threads;
};

static void job_free(struct job *j)
{
	if (!j)
		return;
	if (j->password) {
		OPENSSL_cleanse(j->password, strlen(j->password));
		free(j->password);
	}
	free(j->hash);
	free(j);
}

static void *worker(void *arg)
{
	struct hashpool *pool = arg;
	for (;;) {
		pthread_mutex_lock(&pool->lock);
		while (!pool->todo_head && !pool->stopping)
			pthread_cond_wait(&pool->cond, &pool->lock);
		if (pool->stopping) {
			pthread_mutex_unlock(&pool->lock);
			return NULL;
		}
		struct job *j = pool->todo_head;
		pool->todo_head = j->next;
		if (!pool->todo_head)
			pool->todo_tail = NULL;
		pthread_mutex_unlock(&pool->lock);

		if (j->is_check)
			j->match = password_check(j->hash ? j->hash : password_dummy_hash(), j->password) &&
				   j->hash != NULL;
		else
			j->failed = password_hash(j->password, pool->opts.n, pool->opts.r,
						  pool->opts.p, j->result);

		pthread_mutex_lock(&pool->lock);
		j->next = pool->done_head;
		pool->done_head = j;
		pthread_mutex_unlock(&pool->lock);
		uint64_t one = 1;
		if (write(pool->efd, &one, sizeof one) < 0 && errno != EAGAIN)
			log_error("hashpool_notify_failed", "errno", strerror(errno), NULL);
	}
}

/* Loop thread: run the callbacks of finished jobs. */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct hashpool *pool = arg;
	uint64_t v;
	if (read(fd, &v, sizeof v) < 0 && errno != EAGAIN)
		log_error("hashpool_read_failed", "errno", strerror(errno), NULL);
	pthread_mutex_lock(&pool->lock);
	struct job *list = pool->done_head;
	pool->done_head = NULL;
	pthread_mutex_unlock(&pool->lock);
	while (list) {
		struct job *j = list;
		list = j->next;
		pool->pending--;
		if (j->is_check)
			j->check_done(j->match, j->arg);
		else
			j->hash_done(j->failed ? NULL : j->result, j->arg);
		job_free(j);
	}
}

struct hashpool *hashpool_new(struct event_base *base, const struct hashpool_opts *o)
{
	struct hashpool *pool = calloc(1, sizeof *pool);
	if (!pool)
		return NULL;
	pool->opts = *o;
	pool->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pool->efd < 0)
		goto fail;
	pool->done_ev = event_new(base, pool->efd, EV_READ | EV_PERSIST, on_done, pool);
	if (!pool->done_ev || event_add(pool->done_ev, NULL))
		goto fail;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->cond, NULL);
	pool->threads = calloc((size_t)o->threads, sizeof *pool->threads);
	if (!pool->threads)
		goto fail;
	for (int i = 0; i < o->threads; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker, pool))
			goto fail;
		pool->n_threads++;
	}
	return pool;
fail:
	hashpool_free(pool);
	return NULL;
}

void hashpool_free(struct hashpool *pool)
{
	if (!pool)
		return;
	if (pool->threads) {
		pthread_mutex_lock(&pool->lock);
		pool->stopping = true;
		pthread_cond_broadcast(&pool->cond);
		pthread_mutex_unlock(&pool->lock);
		for (int i = 0; i < pool->n_threads; i++)
			pthread_join(pool->threads[i], NULL);
		free(pool->threads);
		pthread_mutex_destroy(&pool->lock);
		pthread_cond_destroy(&pool->cond);
	}
	for (struct job *lists[2] = { pool->todo_head, pool->done_head }, **l = lists; l < lists + 2; l++)
		while (*l) {
			struct job *j = *l;
			*l = j->next;
			job_free(j);
		}
	if (pool->done_ev)
		event_free(pool->done_ev);
	if (pool->efd >= 0)
		close(pool->efd);
	free(pool);
}

static int enqueue(struct hashpool *pool, struct job *j)
{
	if (pool->pending >= pool->opts.queue_max) {
		job_free(j);
		return -1;
	}
	pool->pending++;
	pthread_mutex_lock(&pool->lock);
	if (pool->todo_tail)
		pool->todo_tail->next = j;
	else
		pool->todo_head = j;
	pool->todo_tail = j;
	pthread_cond_signal(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
	return 0;
}

int hashpool_check(struct hashpool *pool, const char *hash, const char *password,
		   hashpool_check_fn done, void *arg)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->is_check = true;
	j->hash = hash ? strdup(hash) : NULL;
	j->password = strdup(password);
	j->check_done = done;
	j->arg = arg;
	if ((hash && !j->hash) || !j->password) {
		job_free(j);
		return -1;
	}
	return enqueue(pool, j);
}

int hashpool_hash(struct hashpool *pool, const char *password, hashpool_hash_fn done, void *arg)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return -1;
	j->password = strdup(password);
	j->hash_done = done;
	j->arg = arg;
	if (!j->password) {
		job_free(j);
		return -1;
	}
	return enqueue(pool, j);
}

int hashpool_pending(const struct hashpool *pool)
{
	return pool->pending;
}
