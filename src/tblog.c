/* tblog: TensorBoard event files (TFRecord framing, hand-encoded `Event` protobufs).
 * The format and the failure policy are described in tblog.h. */
#define _POSIX_C_SOURCE 200809L
#include "tblog.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/crc.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- CRC ------------------------------------------------------------------------------ */

uint32_t tblog_crc32c(const void *data, size_t n) {
  /* ISA-L's crc32_iscsi neither inverts its initial value nor its result:
   * crc32c(x) = ~crc32_iscsi(x, ~0) */
  DDPG_CHECK(n <= INT_MAX);
  return ~crc32_iscsi((unsigned char *)data, (int)n, 0xFFFFFFFFu);
}

uint32_t tblog_mask_crc(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

/* --- protobuf encoding -----------------------------------------------------------------
 * A field is a key varint (field_number << 3 | wire_type) and a payload; the wire types used
 * here are 0 (varint), 1 (8 little-endian bytes), 2 (varint length + bytes) and 5 (4 bytes).
 * Each put_* writes at p and returns the byte after what it wrote. */

enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

/* field numbers from tensorboard/compat/proto/event.proto and summary.proto */
enum {
  EVENT_WALL_TIME = 1,    /* double */
  EVENT_STEP = 2,         /* int64 */
  EVENT_FILE_VERSION = 3, /* string */
  EVENT_SUMMARY = 5,      /* Summary */
  EVENT_SESSION_LOG = 7,  /* SessionLog */
  SUMMARY_VALUE = 1,      /* repeated Summary.Value */
  VALUE_TAG = 1,          /* string */
  VALUE_SIMPLE_VALUE = 2, /* float */
  SESSION_LOG_STATUS = 1, /* enum SessionStatus */
  SESSION_STATUS_START = 1
};

/* longest encodings: a varint of 64 bits, a key, a length-delimited header */
#define VARINT_MAX 10

static uint8_t *put_varint(uint8_t *p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

static uint8_t *put_key(uint8_t *p, int field, int wire_type) {
  return put_varint(p, (uint64_t)field << 3 | (uint64_t)wire_type);
}

static uint8_t *put_le(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) *p++ = (uint8_t)(v >> (8 * i));
  return p;
}

static uint8_t *put_bytes(uint8_t *p, int field, const void *s, size_t n) {
  p = put_key(p, field, WT_LEN);
  p = put_varint(p, n);
  memcpy(p, s, n);
  return p + n;
}

/* the Event's wall_time and step, omitted when zero as proto3 serializers do */
static uint8_t *put_event_head(uint8_t *p, double wall_time, long step) {
  uint64_t bits;
  memcpy(&bits, &wall_time, sizeof bits);
  if (bits != 0) {
    p = put_key(p, EVENT_WALL_TIME, WT_FIXED64);
    p = put_le(p, bits, 8);
  }
  if (step != 0) {
    p = put_key(p, EVENT_STEP, WT_VARINT);
    p = put_varint(p, (uint64_t)(int64_t)step); /* negative int64: 10 bytes, two's complement */
  }
  return p;
}

/* --- file I/O ----------------------------------------------------------------------------- */

/* turn the log off after a failed write; returns -1 (the one report of the failure) */
static int fail(TbLog *tb, int errnum) {
  tb->failed = 1;
  tb->used = 0;
  err_set(tb->err, "cannot write TensorBoard log %s: %s; TensorBoard logging stopped, "
          "training goes on", tb->path, strerror(errnum));
  return -1;
}

static int write_buffer(TbLog *tb) {
  size_t off = 0;
  while (off < tb->used) {
    ssize_t w = write(tb->fd, tb->buf + off, tb->used - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return fail(tb, errno);
    }
    off += (size_t)w;
  }
  tb->used = 0;
  return 0;
}

/* frame `n` bytes of an encoded Event as one TFRecord and append it to the buffer, writing
 * the buffer out first if the record does not fit. The CRCs are computed before the lock
 * is taken; the critical section is a memcpy, and a write() when the buffer is full. */
static int append_record(TbLog *tb, const uint8_t *event, size_t n) {
  if (!tb->is_open) return 0;
  const size_t size = 8 + 4 + n + 4;
  DDPG_CHECK(size <= TBLOG_BUF);
  uint8_t head[12], tail[4];
  put_le(head, n, 8);
  put_le(head + 8, tblog_mask_crc(tblog_crc32c(head, 8)), 4);
  put_le(tail, tblog_mask_crc(tblog_crc32c(event, n)), 4);
  int rc = 0;
  pthread_mutex_lock(&tb->lock);
  if (!tb->failed && (tb->used + size <= TBLOG_BUF || (rc = write_buffer(tb)) == 0)) {
    uint8_t *p = tb->buf + tb->used;
    memcpy(p, head, 12);
    memcpy(p + 12, event, n);
    memcpy(p + 12 + n, tail, 4);
    tb->used += size;
  }
  pthread_mutex_unlock(&tb->lock);
  return rc;
}

/* --- the public API -------------------------------------------------------------------- */

double tblog_wall_time(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int tblog_open(TbLog *tb, const char *dir, char *err) {
  static atomic_uint files_opened; /* the <n> of the name: this process's files so far */
  memset(tb, 0, sizeof *tb);
  char host[256];
  if (gethostname(host, sizeof host) != 0) strcpy(host, "localhost");
  host[sizeof host - 1] = '\0';
  for (char *c = host; *c; c++)
    if (*c == '/') *c = '_'; /* a hostname never has one, but it would change the directory */
  double now = tblog_wall_time();
  int n = snprintf(tb->path, sizeof tb->path, "%s/" TBLOG_FILE_PREFIX "%010lld.%s.%ld.%u", dir,
                   (long long)now, host, (long)getpid(), atomic_fetch_add(&files_opened, 1));
  if (n < 0 || (size_t)n >= sizeof tb->path)
    return err_set(err, "TensorBoard log directory path too long (%zu bytes): %s", strlen(dir),
                   dir);
  /* O_EXCL: never append to or truncate another writer's file */
  int fd = open(tb->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return err_set(err, "cannot create TensorBoard log %s: %s (check that the directory "
                   "exists and is writable)", tb->path, strerror(errno));
  tb->fd = fd;
  DDPG_CHECK(pthread_mutex_init(&tb->lock, NULL) == 0);
  tb->is_open = 1;

  /* the first record: Event{wall_time, file_version} */
  uint8_t ev[64];
  uint8_t *p = put_event_head(ev, now, 0);
  p = put_bytes(p, EVENT_FILE_VERSION, TBLOG_FILE_VERSION, strlen(TBLOG_FILE_VERSION));
  if (append_record(tb, ev, (size_t)(p - ev)) != 0 || tblog_flush(tb) != 0) {
    char path[TBLOG_PATH_MAX];
    memcpy(path, tb->path, sizeof path);
    err_set(err, "%s", tb->err);
    tblog_close(tb);
    unlink(path); /* no empty or torn file left behind */
    return -1;
  }
  return 0;
}

int tblog_scalar(TbLog *tb, const char *tag, long step, double wall_time, float value) {
  size_t tag_len = strlen(tag);
  DDPG_CHECK(tag_len > 0 && tag_len <= TBLOG_TAG_MAX);
  /* Summary.Value{tag, simple_value} */
  uint8_t val[TBLOG_TAG_MAX + 16];
  uint8_t *p = put_bytes(val, VALUE_TAG, tag, tag_len);
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  p = put_key(p, VALUE_SIMPLE_VALUE, WT_FIXED32);
  p = put_le(p, bits, 4);
  size_t val_len = (size_t)(p - val);
  /* Summary{value}: the Value nested one level deeper */
  uint8_t sum[TBLOG_TAG_MAX + 32];
  p = put_bytes(sum, SUMMARY_VALUE, val, val_len);
  size_t sum_len = (size_t)(p - sum);
  /* Event{wall_time, step, summary} */
  uint8_t ev[TBLOG_TAG_MAX + 64];
  p = put_event_head(ev, wall_time, step);
  p = put_bytes(p, EVENT_SUMMARY, sum, sum_len);
  return append_record(tb, ev, (size_t)(p - ev));
}

int tblog_session_start(TbLog *tb, long step, double wall_time) {
  uint8_t log[4], ev[64];
  uint8_t *p = put_key(log, SESSION_LOG_STATUS, WT_VARINT);
  p = put_varint(p, SESSION_STATUS_START);
  size_t log_len = (size_t)(p - log);
  p = put_event_head(ev, wall_time, step);
  p = put_bytes(p, EVENT_SESSION_LOG, log, log_len);
  return append_record(tb, ev, (size_t)(p - ev));
}

int tblog_flush(TbLog *tb) {
  if (!tb->is_open) return 0;
  pthread_mutex_lock(&tb->lock);
  int rc = tb->failed ? 0 : write_buffer(tb);
  pthread_mutex_unlock(&tb->lock);
  return rc;
}

int tblog_close(TbLog *tb) {
  int rc = 0;
  if (tb->is_open) {
    if (!tb->failed) {
      rc = write_buffer(tb);
      /* EINVAL: a file that cannot be synced (a pipe, some special filesystems) */
      if (rc == 0 && fsync(tb->fd) != 0 && errno != EINVAL) rc = fail(tb, errno);
    }
    if (close(tb->fd) != 0 && rc == 0 && !tb->failed) rc = fail(tb, errno);
    pthread_mutex_destroy(&tb->lock);
  }
  /* keep the message for the caller that got -1 */
  char err[ERR_LEN];
  memcpy(err, tb->err, sizeof err);
  memset(tb, 0, sizeof *tb);
  memcpy(tb->err, err, sizeof err);
  return rc;
}
