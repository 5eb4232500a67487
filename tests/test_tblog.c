/* test_tblog: TensorBoard event files read back by an independent reader: every record's
 * length and data CRC checked with a bitwise CRC-32C (not the library's), every Event
 * decoded field by field (unknown fields refused), and file_version, tags, steps, wall
 * times and values compared bit for bit; one record against bytes worked out by hand from
 * event.proto; every single-bit corruption and every truncation detected; a failing disk
 * reported once while training would go on; threads sharing one log.
 *
 * `test_tblog --write-sample DIR` writes the sample file that tests/test_tblog_reference.sh
 * reads with Google's protobuf runtime (scripts/tb-dump.py). */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <pthread.h>

#include "tblog.h"
#include "util.h"

/* --- an independent reader ----------------------------------------------------------- */

/* CRC-32C bit by bit, straight from the definition: reflected polynomial 0x82F63B78 */
static uint32_t ref_crc32c(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
  }
  return ~c;
}

static uint32_t ref_masked(const uint8_t *p, size_t n) {
  uint32_t c = ref_crc32c(p, n);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

static uint64_t get_le(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

enum { EV_FILE_VERSION = 1, EV_SCALAR, EV_SESSION_START };

typedef struct {
  int kind;                   /* EV_* */
  double wall_time;
  long step;
  char text[TBLOG_TAG_MAX + 1]; /* file_version or tag */
  float value;
} Ev;

/* a protobuf field: number, wire type, and its varint / fixed value or its bytes */
typedef struct {
  int field, wt;
  uint64_t num;
  const uint8_t *bytes;
  size_t len;
} Field;

static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) return -1;
    uint8_t b = *(*p)++;
    *v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return 0;
  }
  return -1;
}

/* the next field of [*p, end); -1 on a malformed one */
static int next_field(const uint8_t **p, const uint8_t *end, Field *f) {
  uint64_t key;
  if (get_varint(p, end, &key) != 0 || key >> 3 == 0 || key >> 3 > 1000) return -1;
  f->field = (int)(key >> 3);
  f->wt = (int)(key & 7);
  switch (f->wt) {
    case 0: return get_varint(p, end, &f->num);
    case 1:
    case 5: {
      size_t n = f->wt == 1 ? 8 : 4;
      if ((size_t)(end - *p) < n) return -1;
      f->num = get_le(*p, (int)n);
      *p += n;
      return 0;
    }
    case 2:
      if (get_varint(p, end, &f->num) != 0 || f->num > (uint64_t)(end - *p)) return -1;
      f->bytes = *p;
      f->len = (size_t)f->num;
      *p += f->len;
      return 0;
    default: return -1;
  }
}

/* Summary.Value{tag = 1, simple_value = 2}, both required here */
static int decode_value(const uint8_t *p, const uint8_t *end, Ev *ev) {
  int have_tag = 0, have_value = 0;
  Field f;
  while (p < end) {
    if (next_field(&p, end, &f) != 0) return -1;
    if (f.field == 1 && f.wt == 2 && f.len > 0 && f.len <= TBLOG_TAG_MAX && !have_tag) {
      memcpy(ev->text, f.bytes, f.len);
      ev->text[f.len] = '\0';
      have_tag = 1;
    } else if (f.field == 2 && f.wt == 5 && !have_value) {
      uint32_t bits = (uint32_t)f.num;
      memcpy(&ev->value, &bits, 4);
      have_value = 1;
    } else {
      return -1;
    }
  }
  return have_tag && have_value ? 0 : -1;
}

/* Event{wall_time = 1, step = 2, oneof file_version = 3 | summary = 5 | session_log = 7};
 * a summary must hold exactly one value, a session_log exactly status START */
static int decode_event(const uint8_t *p, const uint8_t *end, Ev *ev) {
  memset(ev, 0, sizeof *ev);
  Field f;
  while (p < end) {
    if (next_field(&p, end, &f) != 0) return -1;
    if (f.field == 1 && f.wt == 1) {
      memcpy(&ev->wall_time, &f.num, 8);
    } else if (f.field == 2 && f.wt == 0) {
      ev->step = (long)(int64_t)f.num;
    } else if (f.field == 3 && f.wt == 2 && !ev->kind && f.len < sizeof ev->text) {
      ev->kind = EV_FILE_VERSION;
      memcpy(ev->text, f.bytes, f.len);
      ev->text[f.len] = '\0';
    } else if (f.field == 5 && f.wt == 2 && !ev->kind) {
      ev->kind = EV_SCALAR;
      const uint8_t *q = f.bytes, *qend = f.bytes + f.len;
      Field v;
      if (next_field(&q, qend, &v) != 0 || v.field != 1 || v.wt != 2 || q != qend) return -1;
      if (decode_value(v.bytes, v.bytes + v.len, ev) != 0) return -1;
    } else if (f.field == 7 && f.wt == 2 && !ev->kind) {
      ev->kind = EV_SESSION_START;
      const uint8_t *q = f.bytes, *qend = f.bytes + f.len;
      Field s;
      if (next_field(&q, qend, &s) != 0 || s.field != 1 || s.wt != 0 || s.num != 1 || q != qend)
        return -1;
    } else {
      return -1;
    }
  }
  return ev->kind ? 0 : -1;
}

/* read every record of `data` into ev[0..*n); 0, or -1 with the reason in `why` */
static int read_events(const uint8_t *data, size_t size, Ev *ev, int max, int *n, char *why) {
  size_t off = 0;
  *n = 0;
  while (off < size) {
    if (size - off < 12) return snprintf(why, 128, "truncated header at %zu", off), -1;
    uint64_t len = get_le(data + off, 8);
    if ((uint32_t)get_le(data + off + 8, 4) != ref_masked(data + off, 8))
      return snprintf(why, 128, "length CRC mismatch at %zu", off), -1;
    if (len > size - off - 12 || size - off - 12 - len < 4)
      return snprintf(why, 128, "truncated record at %zu", off), -1;
    const uint8_t *rec = data + off + 12;
    if ((uint32_t)get_le(rec + len, 4) != ref_masked(rec, (size_t)len))
      return snprintf(why, 128, "data CRC mismatch at %zu", off), -1;
    if (*n >= max) return snprintf(why, 128, "too many records"), -1;
    if (decode_event(rec, rec + len, &ev[*n]) != 0)
      return snprintf(why, 128, "bad Event at %zu", off), -1;
    (*n)++;
    off += 12 + (size_t)len + 4;
  }
  return 0;
}

/* the one event file in `dir` (asserts there is exactly one), read whole */
static void read_the_file(const char *dir, char *path, size_t path_n, uint8_t **data,
                          size_t *size) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int found = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    found++;
    snprintf(path, path_n, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  ck_assert_int_eq(found, 1);
  char err[ERR_LEN];
  ck_assert_msg(read_file(path, data, size, err) == 0, "%s", err);
}

static void expect_same_bits_f(float a, float b) {
  ck_assert_msg(memcmp(&a, &b, 4) == 0, "value %.9g != %.9g", (double)a, (double)b);
}

static void expect_same_bits_d(double a, double b) {
  ck_assert_msg(memcmp(&a, &b, 8) == 0, "wall_time %.17g != %.17g", a, b);
}

/* --- tests ------------------------------------------------------------------------------ */

START_TEST(test_crc32c_check_value_and_mask) {
  /* the standard check value of CRC-32C, then the library against the bitwise definition */
  ck_assert_uint_eq(tblog_crc32c("123456789", 9), 0xE3069283u);
  ck_assert_uint_eq(ref_crc32c((const uint8_t *)"123456789", 9), 0xE3069283u);
  ck_assert_uint_eq(tblog_crc32c("", 0), 0u);
  uint8_t buf[600];
  uint32_t x = 12345;
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)((x = x * 1103515245u + 12345u) >> 16);
  for (size_t n = 0; n <= sizeof buf; n += 7)
    for (size_t off = 0; off < 5; off++) {
      size_t m = n > off ? n - off : 0;
      ck_assert_uint_eq(tblog_crc32c(buf + off, m), ref_crc32c(buf + off, m));
    }
  /* the mask: rotate right by 15, add 0xa282ead8 (mod 2^32) */
  ck_assert_uint_eq(tblog_mask_crc(0), 0xa282ead8u);
  ck_assert_uint_eq(tblog_mask_crc(1u << 15), 0xa282ead9u);
  ck_assert_uint_eq(tblog_mask_crc(1), 0xa284ead8u);
  ck_assert_uint_eq(tblog_mask_crc(0xFFFFFFFFu), 0xa282ead7u);
}
END_TEST

/* Event{wall_time 1.5, step 3, summary{value{tag "a", simple_value 1.0}}}, by hand:
 *   09 <1.5 as 8 LE bytes: 00 00 00 00 00 00 F8 3F>   field 1, fixed64
 *   10 03                                            field 2, varint 3
 *   2A 0A                                            field 5, 10 bytes:
 *     0A 08                                            Summary field 1, 8 bytes:
 *       0A 01 61                                         Value.tag = "a"
 *       15 00 00 80 3F                                   Value.simple_value = 1.0f
 * 23 bytes, framed as 17 00 00 00 00 00 00 00 | mask(crc(len)) | event | mask(crc(event)) */
START_TEST(test_one_record_byte_for_byte) {
  th_make_tmp();
  TbLog *tb = calloc(1, sizeof *tb);
  char err[ERR_LEN];
  ck_assert_msg(tblog_open(tb, th_tmp, err) == 0, "%s", err);
  ck_assert_uint_eq(tb->used, 0); /* the file_version record is already written */
  ck_assert_int_eq(tblog_scalar(tb, "a", 3, 1.5, 1.0f), 0);
  static const uint8_t event[] = {0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x03, 0x2A, 0x0A,
                                  0x0A, 0x08, 0x0A, 0x01, 0x61, 0x15, 0, 0, 0x80, 0x3F};
  ck_assert_uint_eq(tb->used, 8 + 4 + sizeof event + 4);
  static const uint8_t len[8] = {23, 0, 0, 0, 0, 0, 0, 0};
  ck_assert_mem_eq(tb->buf, len, 8);
  ck_assert_uint_eq(get_le(tb->buf + 8, 4), ref_masked(len, 8));
  ck_assert_mem_eq(tb->buf + 12, event, sizeof event);
  ck_assert_uint_eq(get_le(tb->buf + 12 + sizeof event, 4), ref_masked(event, sizeof event));
  ck_assert_int_eq(tblog_close(tb), 0);
  free(tb);
}
END_TEST

#define N_SCALARS 300 /* enough records to fill the buffer several times */

static const char *const TAGS[] = {TBLOG_TAG_EPISODIC_RETURN, TBLOG_TAG_EPISODIC_LENGTH,
                                   TBLOG_TAG_SPS, TBLOG_TAG_QF1_LOSS, TBLOG_TAG_ACTOR_LOSS,
                                   TBLOG_TAG_QF1_VALUES, TBLOG_TAG_EVAL_RETURN};

/* the i-th scalar of the round trip: every tag, steps from -7 to past 2^32, wall times with
 * all their bits used, and the float values that are easy to get wrong */
static void scalar_i(int i, const char **tag, long *step, double *wall, float *value) {
  static const float special[] = {0.0f, -0.0f, 1.0f, -12.375f, 3.14159274f, 1e-30f, FLT_MAX,
                                  -FLT_MIN, INFINITY, -INFINITY, NAN, 1e-45f /* denormal */};
  int ns = (int)(sizeof special / sizeof special[0]);
  *tag = TAGS[i % 7];
  *step = i == 0 ? 0 : i == 2 ? -7 : (long)i * 1000 + (i % 3 == 0 ? (1L << 33) : 0);
  *wall = i == 1 ? 0.0 : 1700000000.0 + i * 0.123456789;
  *value = i < ns ? special[i] : (float)(i * 0.37 - 50.0);
}

START_TEST(test_round_trip_every_field_exact) {
  th_make_tmp();
  double t0 = (double)(long long)tblog_wall_time();
  TbLog *tb = calloc(1, sizeof *tb);
  char err[ERR_LEN];
  ck_assert_msg(tblog_open(tb, th_tmp, err) == 0, "%s", err);
  double t1 = tblog_wall_time();
  for (int i = 0; i < N_SCALARS; i++) {
    const char *tag;
    long step;
    double wall;
    float value;
    scalar_i(i, &tag, &step, &wall, &value);
    ck_assert_int_eq(tblog_scalar(tb, tag, step, wall, value), 0);
    if (i == 100) ck_assert_int_eq(tblog_flush(tb), 0);
  }
  ck_assert_int_eq(tblog_session_start(tb, 5000, 1700000999.5), 0);
  ck_assert_int_eq(tblog_close(tb), 0);
  ck_assert_int_eq(tblog_close(tb), 0); /* closed twice: nothing */
  free(tb);

  /* the name: events.out.tfevents.<10 digits>.<hostname>.<pid>.<n> */
  char path[512], host[256], expect[512];
  uint8_t *data;
  size_t size;
  read_the_file(th_tmp, path, sizeof path, &data, &size);
  const char *name = strrchr(path, '/') + 1;
  ck_assert_int_eq(strncmp(name, TBLOG_FILE_PREFIX, strlen(TBLOG_FILE_PREFIX)), 0);
  const char *secs = name + strlen(TBLOG_FILE_PREFIX);
  long long s = strtoll(secs, NULL, 10);
  ck_assert_int_eq(secs[10], '.');
  ck_assert(s >= (long long)t0 && s <= (long long)t1);
  ck_assert_int_eq(gethostname(host, sizeof host), 0);
  snprintf(expect, sizeof expect, ".%s.%ld.", host, (long)getpid());
  ck_assert_msg(strncmp(secs + 10, expect, strlen(expect)) == 0, "name %s", name);

  Ev *ev = calloc(N_SCALARS + 8, sizeof *ev);
  int n;
  char why[128];
  ck_assert_msg(read_events(data, size, ev, N_SCALARS + 8, &n, why) == 0, "%s", why);
  ck_assert_int_eq(n, 1 + N_SCALARS + 1);
  /* the first record: file_version, stamped at open */
  ck_assert_int_eq(ev[0].kind, EV_FILE_VERSION);
  ck_assert_str_eq(ev[0].text, "brain.Event:2");
  ck_assert(ev[0].wall_time >= t0 && ev[0].wall_time <= t1);
  ck_assert_int_eq(ev[0].step, 0);
  for (int i = 0; i < N_SCALARS; i++) {
    const char *tag;
    long step;
    double wall;
    float value;
    scalar_i(i, &tag, &step, &wall, &value);
    const Ev *e = &ev[1 + i];
    ck_assert_int_eq(e->kind, EV_SCALAR);
    ck_assert_str_eq(e->text, tag);
    ck_assert_int_eq(e->step, step);
    expect_same_bits_d(e->wall_time, wall);
    expect_same_bits_f(e->value, value);
  }
  const Ev *last = &ev[1 + N_SCALARS];
  ck_assert_int_eq(last->kind, EV_SESSION_START);
  ck_assert_int_eq(last->step, 5000);
  expect_same_bits_d(last->wall_time, 1700000999.5);
  free(ev);
  free(data);
}
END_TEST

START_TEST(test_every_corruption_and_truncation_detected) {
  th_make_tmp();
  TbLog *tb = calloc(1, sizeof *tb);
  char err[ERR_LEN];
  ck_assert_msg(tblog_open(tb, th_tmp, err) == 0, "%s", err);
  for (int i = 0; i < 20; i++) {
    const char *tag;
    long step;
    double wall;
    float value;
    scalar_i(i, &tag, &step, &wall, &value);
    ck_assert_int_eq(tblog_scalar(tb, tag, step, wall, value), 0);
  }
  ck_assert_int_eq(tblog_close(tb), 0);
  free(tb);
  char path[512];
  uint8_t *data;
  size_t size;
  read_the_file(th_tmp, path, sizeof path, &data, &size);
  Ev ev[32];
  int n;
  char why[128];
  ck_assert_msg(read_events(data, size, ev, 32, &n, why) == 0, "%s", why);
  ck_assert_int_eq(n, 21);
  /* flip one bit of every byte in turn (a different bit each time): the CRCs catch it */
  for (size_t i = 0; i < size; i++) {
    data[i] ^= (uint8_t)(1u << (i % 8));
    ck_assert_msg(read_events(data, size, ev, 32, &n, why) != 0, "flip at %zu undetected", i);
    ck_assert_msg(strstr(why, "CRC") || strstr(why, "truncated"), "flip at %zu: %s", i, why);
    data[i] ^= (uint8_t)(1u << (i % 8));
  }
  /* every cut but those at a record boundary */
  int boundaries = 0;
  for (size_t cut = 1; cut < size; cut++)
    if (read_events(data, cut, ev, 32, &n, why) == 0) boundaries++;
    else ck_assert_msg(strstr(why, "truncated"), "cut at %zu: %s", cut, why);
  ck_assert_int_eq(boundaries, 20);
  free(data);
}
END_TEST

START_TEST(test_failed_write_reported_once_training_goes_on) {
  th_make_tmp();
  TbLog *tb = calloc(1, sizeof *tb);
  char err[ERR_LEN];
  ck_assert_msg(tblog_open(tb, th_tmp, err) == 0, "%s", err);
  /* the disk fills up under the open log: writes fail with ENOSPC */
  int full = open("/dev/full", O_WRONLY);
  ck_assert_int_ge(full, 0);
  ck_assert_int_ge(dup2(full, tb->fd), 0);
  close(full);
  int failures = 0, calls = 0;
  for (int i = 0; i < 500; i++, calls++) /* fills the buffer, so a write is attempted */
    if (tblog_scalar(tb, TBLOG_TAG_SPS, i, 1700000000.0 + i, (float)i) != 0) failures++;
  for (int i = 0; i < 3; i++, calls++) {
    if (tblog_flush(tb) != 0) failures++;
    if (tblog_session_start(tb, i, 1.0) != 0) failures++;
  }
  ck_assert_int_eq(failures, 1);
  ck_assert_int_eq(tb->failed, 1);
  ck_assert_msg(strstr(tb->err, "No space left on device") && strstr(tb->err, th_tmp) &&
                strstr(tb->err, "training goes on") && !strchr(tb->err, '\n'), "%s", tb->err);
  ck_assert_int_eq(tblog_close(tb), 0);
  free(tb);
  /* what reached the file before the failure is still a valid event file */
  char path[512];
  uint8_t *data;
  size_t size;
  read_the_file(th_tmp, path, sizeof path, &data, &size);
  Ev ev[4];
  int n;
  char why[128];
  ck_assert_msg(read_events(data, size, ev, 4, &n, why) == 0, "%s", why);
  ck_assert_int_eq(n, 1);
  ck_assert_str_eq(ev[0].text, "brain.Event:2");
  free(data);
}
END_TEST

START_TEST(test_open_errors_and_closed_logs) {
  th_make_tmp();
  TbLog *tb = calloc(1, sizeof *tb);
  ck_assert_int_eq(tblog_close(tb), 0); /* zeroed */
  char err[ERR_LEN] = "", dir[600];
  snprintf(dir, sizeof dir, "%s/missing", th_tmp);
  ck_assert_int_eq(tblog_open(tb, dir, err), -1);
  ck_assert_msg(strstr(err, "cannot create TensorBoard log") && strstr(err, dir) &&
                strstr(err, "No such file or directory"), "%s", err);
  /* a log that is not open takes every call and writes nothing */
  ck_assert_int_eq(tblog_scalar(tb, TBLOG_TAG_SPS, 1, 2.0, 3.0f), 0);
  ck_assert_int_eq(tblog_session_start(tb, 1, 2.0), 0);
  ck_assert_int_eq(tblog_flush(tb), 0);
  ck_assert_int_eq(tblog_close(tb), 0);
  char *longdir = malloc(TBLOG_PATH_MAX + 10);
  memset(longdir, 'x', TBLOG_PATH_MAX + 9);
  longdir[TBLOG_PATH_MAX + 9] = '\0';
  ck_assert_int_eq(tblog_open(tb, longdir, err), -1);
  ck_assert_msg(strstr(err, "too long"), "%s", err);
  free(longdir);
  /* two logs opened in the same second get two files */
  TbLog *tb2 = calloc(1, sizeof *tb2);
  ck_assert_msg(tblog_open(tb, th_tmp, err) == 0, "%s", err);
  ck_assert_msg(tblog_open(tb2, th_tmp, err) == 0, "%s", err);
  ck_assert_str_ne(tb->path, tb2->path);
  ck_assert_int_eq(tblog_close(tb), 0);
  ck_assert_int_eq(tblog_close(tb2), 0);
  free(tb);
  free(tb2);
}
END_TEST

/* workers log episodes while the learner logs losses and flushes: no record lost or torn,
 * and each thread's records stay in its order */
#define N_THREADS 4
#define PER_THREAD 700

typedef struct {
  TbLog *tb;
  int id;
} WriterArg;

static void *writer_main(void *arg) {
  WriterArg *w = arg;
  for (int i = 0; i < PER_THREAD; i++)
    if (tblog_scalar(w->tb, TAGS[w->id], (long)w->id * 100000 + i, 1700000000.0 + i,
                     (float)i) != 0)
      return arg; /* any failure: reported by the test */
  return NULL;
}

START_TEST(test_threads_share_one_log) {
  th_make_tmp();
  TbLog *tb = calloc(1, sizeof *tb);
  char err[ERR_LEN];
  ck_assert_msg(tblog_open(tb, th_tmp, err) == 0, "%s", err);
  pthread_t th[N_THREADS];
  WriterArg w[N_THREADS];
  for (int t = 0; t < N_THREADS; t++) {
    w[t] = (WriterArg){tb, t};
    ck_assert_int_eq(pthread_create(&th[t], NULL, writer_main, &w[t]), 0);
  }
  for (int i = 0; i < 200; i++) ck_assert_int_eq(tblog_flush(tb), 0);
  for (int t = 0; t < N_THREADS; t++) {
    void *ret;
    ck_assert_int_eq(pthread_join(th[t], &ret), 0);
    ck_assert_ptr_null(ret);
  }
  ck_assert_int_eq(tblog_close(tb), 0);
  free(tb);

  char path[512];
  uint8_t *data;
  size_t size;
  read_the_file(th_tmp, path, sizeof path, &data, &size);
  int max = N_THREADS * PER_THREAD + 1, n;
  Ev *ev = calloc((size_t)max, sizeof *ev);
  char why[128];
  ck_assert_msg(read_events(data, size, ev, max, &n, why) == 0, "%s", why);
  ck_assert_int_eq(n, max);
  int next[N_THREADS] = {0};
  for (int k = 1; k < n; k++) {
    int t = (int)(ev[k].step / 100000);
    ck_assert(t >= 0 && t < N_THREADS);
    ck_assert_str_eq(ev[k].text, TAGS[t]);
    ck_assert_int_eq(ev[k].step % 100000, next[t]);
    expect_same_bits_f(ev[k].value, (float)next[t]);
    next[t]++;
  }
  for (int t = 0; t < N_THREADS; t++) ck_assert_int_eq(next[t], PER_THREAD);
  free(ev);
  free(data);
}
END_TEST

/* the sample tests/test_tblog_reference.sh reads with scripts/tb-dump.py */
static int write_sample(const char *dir) {
  TbLog tb;
  char err[ERR_LEN];
  if (tblog_open(&tb, dir, err) != 0) {
    fprintf(stderr, "test_tblog: %s\n", err);
    return 2;
  }
  int rc = 0;
  rc |= tblog_scalar(&tb, TBLOG_TAG_EPISODIC_RETURN, 1000, 1700000000.5, -12.375f);
  rc |= tblog_scalar(&tb, TBLOG_TAG_EPISODIC_LENGTH, 1000, 1700000000.5, 1000.0f);
  rc |= tblog_scalar(&tb, TBLOG_TAG_SPS, 2000, 1700000001.25, 3.14159274f);
  rc |= tblog_scalar(&tb, TBLOG_TAG_QF1_LOSS, 0, 0.0, 0.0f);
  rc |= tblog_scalar(&tb, TBLOG_TAG_ACTOR_LOSS, 1L << 40, 1700000002.0, -1e-30f);
  rc |= tblog_scalar(&tb, TBLOG_TAG_QF1_VALUES, -1, 1700000003.75, FLT_MAX);
  rc |= tblog_session_start(&tb, 5000, 1700000004.0);
  rc |= tblog_scalar(&tb, TBLOG_TAG_EVAL_RETURN, 5000, 1700000005.125, 4321.5f);
  rc |= tblog_close(&tb);
  if (rc) fprintf(stderr, "test_tblog: %s\n", tb.err);
  return rc ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--write-sample") == 0) return write_sample(argv[2]);
  const TTest *const tests[] = {
      test_crc32c_check_value_and_mask, test_one_record_byte_for_byte,
      test_round_trip_every_field_exact, test_every_corruption_and_truncation_detected,
      test_failed_write_reported_once_training_goes_on, test_open_errors_and_closed_logs,
      test_threads_share_one_log};
  return th_main("tblog", 300, tests, sizeof tests / sizeof tests[0]);
}
