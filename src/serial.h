/* serial: the byte-level writer and bounds-checked reader behind every binary file format
 * (checkpoints). Values are stored in the machine's native little-endian layout; floats
 * bit for bit. A Reader never reads past its end: the first failure latches `bad` with a
 * description and every later read fails too, so a loader checks once at the end. */
#ifndef DDPG_SERIAL_H
#define DDPG_SERIAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint8_t *buf;
  size_t len, cap;
} Writer;

typedef struct {
  const uint8_t *buf;
  size_t len, pos;
  int bad;            /* 1 after the first failed read */
  char what[160];     /* what failed */
} Reader;

/* empty growable buffer */
void writer_init(Writer *w);
void writer_free(Writer *w);
void w_bytes(Writer *w, const void *p, size_t n);
void w_u32(Writer *w, uint32_t v);
void w_i64(Writer *w, int64_t v);
void w_f64(Writer *w, double v);
/* a length-prefixed string */
void w_str(Writer *w, const char *s);
/* a count (u64) followed by n floats / doubles / u64s */
void w_floats(Writer *w, const float *p, size_t n);
void w_doubles(Writer *w, const double *p, size_t n);
void w_u64s(Writer *w, const uint64_t *p, size_t n);

/* read over buf[0..len) */
void reader_init(Reader *r, const void *buf, size_t len);
int r_bytes(Reader *r, void *p, size_t n, const char *what);
int r_u32(Reader *r, uint32_t *v, const char *what);
int r_i64(Reader *r, int64_t *v, const char *what);
int r_f64(Reader *r, double *v, const char *what);
/* string into dst[cap]; fails if longer */
int r_str(Reader *r, char *dst, size_t cap, const char *what);
/* arrays whose stored count must equal n */
int r_floats(Reader *r, float *p, size_t n, const char *what);
int r_doubles(Reader *r, double *p, size_t n, const char *what);
int r_u64s(Reader *r, uint64_t *p, size_t n, const char *what);
/* read a stored count without the data (for variable-size arrays); 0 or -1 */
int r_count(Reader *r, uint64_t *n, const char *what);
/* latch a failure for a value that was read but cannot be right ("<what> is out of range
 * (corrupt file)"); returns -1 */
int r_invalid(Reader *r, const char *what);

/* CRC-32 (zlib) of a buffer */
uint32_t crc32_of(const void *p, size_t n);

#endif
