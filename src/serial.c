/* serial: growable writer, latching bounds-checked reader; see serial.h. */
#include "serial.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

void writer_init(Writer *w) {
  w->len = 0;
  w->cap = 1 << 16;
  w->buf = xmalloc(w->cap);
}

void writer_free(Writer *w) {
  free(w->buf);
  memset(w, 0, sizeof *w);
}

void w_bytes(Writer *w, const void *p, size_t n) {
  if (w->len + n > w->cap) {
    while (w->len + n > w->cap) w->cap *= 2;
    uint8_t *nb = realloc(w->buf, w->cap);
    if (!nb) ddpg_fatal(__FILE__, __LINE__, "out of memory growing a %zu-byte buffer", w->cap);
    w->buf = nb;
  }
  memcpy(w->buf + w->len, p, n);
  w->len += n;
}

void w_u32(Writer *w, uint32_t v) { w_bytes(w, &v, sizeof v); }
void w_i64(Writer *w, int64_t v) { w_bytes(w, &v, sizeof v); }
void w_f64(Writer *w, double v) { w_bytes(w, &v, sizeof v); }

void w_str(Writer *w, const char *s) {
  uint32_t n = (uint32_t)strlen(s);
  w_u32(w, n);
  w_bytes(w, s, n);
}

static void w_count(Writer *w, size_t n) {
  uint64_t c = n;
  w_bytes(w, &c, sizeof c);
}

void w_floats(Writer *w, const float *p, size_t n) {
  w_count(w, n);
  w_bytes(w, p, n * sizeof *p);
}

void w_doubles(Writer *w, const double *p, size_t n) {
  w_count(w, n);
  w_bytes(w, p, n * sizeof *p);
}

void w_u64s(Writer *w, const uint64_t *p, size_t n) {
  w_count(w, n);
  w_bytes(w, p, n * sizeof *p);
}

void reader_init(Reader *r, const void *buf, size_t len) {
  memset(r, 0, sizeof *r);
  r->buf = buf;
  r->len = len;
}

static int fail(Reader *r, const char *fmt, const char *what) {
  if (!r->bad) {
    r->bad = 1;
    snprintf(r->what, sizeof r->what, fmt, what);
  }
  return -1;
}

int r_bytes(Reader *r, void *p, size_t n, const char *what) {
  if (r->bad) return -1;
  if (n > r->len - r->pos) return fail(r, "file ends inside %s (truncated)", what);
  memcpy(p, r->buf + r->pos, n);
  r->pos += n;
  return 0;
}

int r_u32(Reader *r, uint32_t *v, const char *what) { return r_bytes(r, v, sizeof *v, what); }
int r_i64(Reader *r, int64_t *v, const char *what) { return r_bytes(r, v, sizeof *v, what); }
int r_f64(Reader *r, double *v, const char *what) { return r_bytes(r, v, sizeof *v, what); }

int r_str(Reader *r, char *dst, size_t cap, const char *what) {
  uint32_t n;
  if (r_u32(r, &n, what)) return -1;
  if ((size_t)n >= cap) return fail(r, "%s is too long (corrupt file)", what);
  if (r_bytes(r, dst, n, what)) return -1;
  dst[n] = 0;
  return 0;
}

int r_count(Reader *r, uint64_t *n, const char *what) { return r_bytes(r, n, sizeof *n, what); }

int r_invalid(Reader *r, const char *what) {
  return fail(r, "%s is out of range (corrupt file)", what);
}

static int r_array(Reader *r, void *p, size_t n, size_t elem, const char *what) {
  uint64_t c;
  if (r_count(r, &c, what)) return -1;
  if (c != n) return fail(r, "%s has the wrong size (corrupt file or other dimensions)", what);
  return r_bytes(r, p, n * elem, what);
}

int r_floats(Reader *r, float *p, size_t n, const char *what) {
  return r_array(r, p, n, sizeof *p, what);
}
int r_doubles(Reader *r, double *p, size_t n, const char *what) {
  return r_array(r, p, n, sizeof *p, what);
}
int r_u64s(Reader *r, uint64_t *p, size_t n, const char *what) {
  return r_array(r, p, n, sizeof *p, what);
}

uint32_t crc32_of(const void *p, size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  const Bytef *b = p;
  while (n > 0) { /* zlib takes uInt lengths */
    uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
    c = crc32(c, b, k);
    b += k;
    n -= k;
  }
  return (uint32_t)c;
}
