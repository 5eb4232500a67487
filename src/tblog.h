/* tblog: a TensorBoard event-file writer, so `tensorboard --logdir runs` shows a run the way
 * it shows a CleanRL or Stable-Baselines3 run (docs/training.md, "TensorBoard").
 *
 * An event file is a TFRecord stream of serialized `Event` protocol buffers
 * (tensorboard/compat/proto/event.proto, summary.proto). Each record is
 *
 *   uint64 n (little endian) | uint32 masked_crc(n's 8 bytes) | n bytes | uint32 masked_crc(data)
 *
 * with masked_crc(x) = rotr15(crc32c(x)) + 0xa282ead8 and crc32c the Castagnoli CRC (from
 * Intel's ISA-L, Debian's libisal-dev). The first record is Event{wall_time, file_version =
 * "brain.Event:2"}; each scalar is one Event{wall_time, step, summary{value{tag,
 * simple_value}}}. The few fields are encoded here by hand: no protobuf library.
 *
 * Records are encoded into a fixed buffer (no malloc per scalar) and written by
 * tblog_flush, or when the buffer fills. A write that fails (disk full, I/O error) must not
 * stop or corrupt training: the log turns itself off, the one call that met the failure
 * returns -1 with a one-line message in `err`, and every later call does nothing and
 * returns 0, so the caller reports the failure once and goes on training. A crash leaves
 * at most a truncated last record, which TensorBoard's reader skips. A TbLog that is not
 * open (zeroed, closed, or whose tblog_open failed) takes every call and writes nothing,
 * so a caller that logs only sometimes (MPI rank 0 only) needs no test around each call.
 *
 * Threads: training episodes end on the rollout workers, losses come from the learner, so
 * the record calls may come from any thread: `lock` guards used, buf, failed and err (the
 * buffer and the file's end), taken for a memcpy and, when the buffer is full, a write() of
 * at most TBLOG_BUF bytes; records are encoded and checksummed outside it. tblog_open and
 * tblog_close run while no other thread uses the log. */
#ifndef DDPG_TBLOG_H
#define DDPG_TBLOG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define TBLOG_FILE_VERSION "brain.Event:2" /* first record of every event file */
#define TBLOG_FILE_PREFIX "events.out.tfevents."
#define TBLOG_TAG_MAX 128  /* longest tag in bytes; a longer one is a programmer bug */
#define TBLOG_BUF 4096     /* bytes of encoded records held until the next write */
#define TBLOG_PATH_MAX 1200

/* the tags `ddpg train` writes, CleanRL's names (ddpg_continuous_action.py) */
#define TBLOG_TAG_EPISODIC_RETURN "charts/episodic_return" /* return of a training episode */
#define TBLOG_TAG_EPISODIC_LENGTH "charts/episodic_length" /* its length in env steps */
#define TBLOG_TAG_SPS "charts/SPS"                         /* env steps per second */
#define TBLOG_TAG_QF1_LOSS "losses/qf1_loss"               /* critic loss, mean delta^2 */
#define TBLOG_TAG_ACTOR_LOSS "losses/actor_loss"           /* -mean Q(s, mu(s)) */
#define TBLOG_TAG_QF1_VALUES "losses/qf1_values"           /* mean Q(s, a) of the minibatch */
#define TBLOG_TAG_EVAL_RETURN "eval/return"                /* mean return of an evaluation */

typedef struct {
  int is_open;               /* 1 between a successful tblog_open and tblog_close */
  int fd;                    /* the event file (valid while is_open) */
  pthread_mutex_t lock;      /* guards used, buf, failed, err (valid while is_open) */
  int failed;                /* a write failed: the log is off, nothing more is written */
  size_t used;               /* bytes of buf holding records not yet written */
  uint8_t buf[TBLOG_BUF];    /* encoded records waiting for the next write */
  char path[TBLOG_PATH_MAX]; /* the event file's path */
  char err[ERR_LEN];         /* the write failure, one line, once `failed` */
} TbLog;

/* create a new event file in the existing directory `dir`, named as TensorBoard's own
 * writer names it: events.out.tfevents.<unix seconds, 10 digits>.<hostname>.<pid>.<n>
 * (n counts the files this process opened, so two logs never share a name), write its
 * file_version record and flush it. Returns 0, or -1 with a one-line message in err
 * (ERR_LEN bytes; tb is then closed and may be passed to tblog_close). */
int tblog_open(TbLog *tb, const char *dir, char *err);

/* add Event{wall_time, step, summary{value{tag, simple_value = value}}}; wall_time in unix
 * seconds (tblog_wall_time). Returns 0, or -1 once, on the call whose write failed first
 * (tb->err says why; the log is off from then on). */
int tblog_scalar(TbLog *tb, const char *tag, long step, double wall_time, float value);

/* add Event{wall_time, step, session_log{status = START}}: TensorFlow's mark of a restart
 * (PyTorch's SummaryWriter(purge_step=) writes the same). Written when a run resumes from a
 * checkpoint at `step`, it makes TensorBoard's event accumulator drop the earlier events at
 * and after `step` (those the interrupted run logged past its last checkpoint). Returns as
 * tblog_scalar. */
int tblog_session_start(TbLog *tb, long step, double wall_time);

/* write the buffered records to the file (no fsync: TensorBoard reads the page cache).
 * Returns as tblog_scalar. */
int tblog_flush(TbLog *tb);

/* flush, fsync and close the file and zero tb but its err; accepts a zeroed or already
 * closed TbLog. Returns as tblog_scalar. */
int tblog_close(TbLog *tb);

/* the current time in unix seconds (CLOCK_REALTIME), the wall_time TensorBoard expects */
double tblog_wall_time(void);

/* CRC-32C (Castagnoli, reflected 0x82F63B78, init and final xor 0xFFFFFFFF) of n bytes */
uint32_t tblog_crc32c(const void *data, size_t n);

/* TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8 */
uint32_t tblog_mask_crc(uint32_t crc);

#endif
