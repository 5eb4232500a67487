/* config: every setting of a training run, its default, range, flag and help, in one table.
 *
 * TRAIN_CONFIG_FIELDS is the single source for the `ddpg train` flags and --help, the
 * configuration block of checkpoints, and docs/training.md. Defaults are the well-tuned
 * DDPG of CleanRL's ddpg_continuous_action.py ("cleanrl"), which the TD3 author's OurDDPG.py
 * matches except that it updates the actor and targets after every critic update
 * ("ourddpg"); presets (--preset) change a set of them, and any flag given explicitly wins
 * over its preset. */
#ifndef DDPG_CONFIG_H
#define DDPG_CONFIG_H

#include "args.h"
#include "ddpg.h"
#include "serial.h"

/* X(kind, field, default, min, max, help): kind is STR (char[]), LONG, INT or DBL;
 * STR fields give their choices ("a|b" or NULL for free text) in place of min/max. */
#define TRAIN_CONFIG_FIELDS(X)                                                                \
  X(STR, env, "half_cheetah", NULL, 0,                                                      \
    "robot: a built-in (half_cheetah, hopper, ...: docs/environments.md), its Gymnasium id, " \
    "toy, or a task file (docs/robots.md)")                                                  \
  X(STR, model, "", NULL, 0, "MJCF file to load instead of the built-in model")              \
  X(STR, randomize, "", NULL, 0,                                                              \
    "domain randomization overriding the task's randomize section: none, or KEY=LO:HI,... "   \
    "for mass friction damping armature gain com, obs_noise=S delay=K jitter=J "              \
    "action_noise=S (docs/sim2real.md)")                                                     \
  X(STR, preset, "cleanrl", "cleanrl|ourddpg|td3|paper", 0,                                 \
    "algorithm preset (flags override it)")                                                  \
  X(LONG, steps, 1000000, 1, 1e10, "environment steps to train")                             \
  X(LONG, seed, 0, 0, 4294967295.0, "master seed")                                           \
  X(INT, workers, 1, 1, 64, "rollout worker threads")                                        \
  X(INT, sync, 0, 0, 1, "1: lock-step workers, deterministic for any --workers")             \
  X(STR, learner_threads, "auto", NULL, 0,                                                   \
    "threads of the learner's own that split every step of an update (OpenBLAS "             \
    "single-threaded in each): a count, or auto = the cores the workers leave free (at most " \
    "4). The count is stored, so --resume keeps it; another count gives other bits")         \
  X(LONG, start_steps, -1, -1, 1e10,                                                          \
    "uniform-random steps before learning (-1: 25000, or 1000 for reacher)")                 \
  X(DBL, updates_per_step, 1.0, 0.01, 64, "learner updates per environment step")            \
  X(INT, batch, 256, 1, 65536, "minibatch size")                                             \
  X(LONG, buffer_size, 1000000, 1, 1e9, "replay capacity (transitions)")                     \
  X(STR, hidden, "256,256", NULL, 0, "hidden layer widths of actor and critic")              \
  X(DBL, gamma, 0.99, 0, 1, "discount")                                                      \
  X(DBL, tau, 0.005, 0, 1, "Polyak rate of the target networks")                             \
  X(DBL, actor_lr, 3e-4, 0, 10, "actor Adam learning rate")                                  \
  X(DBL, critic_lr, 3e-4, 0, 10, "critic Adam learning rate")                                \
  X(DBL, critic_l2, 0.0, 0, 10,                                                              \
    "critic L2 weight decay lambda: loss mean (Q - y)^2 + lambda/2 ||w||^2 over W and b "    \
    "(Lillicrap et al. 2016: 1e-2; DDPG.py's weight_decay)")                                 \
  X(STR, noise, "gaussian", "gaussian|ou|none", 0, "exploration noise")                      \
  X(DBL, noise_sigma, 0.1, 0, 10, "exploration noise sigma (times the action half-range)")   \
  X(DBL, noise_sigma_final, -1, -1, 10, "final sigma of a linear decay (-1: no decay)")      \
  X(LONG, noise_decay_steps, 0, 0, 1e10, "steps over which sigma decays linearly")           \
  X(DBL, ou_theta, 0.15, 0, 10, "Ornstein-Uhlenbeck mean reversion theta")                   \
  X(INT, twin, 0, 0, 1, "TD3: twin critics, clipped double-Q target")                        \
  X(DBL, target_noise, 0.0, 0, 10, "TD3: target policy smoothing sigma")                     \
  X(DBL, target_noise_clip, 0.5, 0, 10, "TD3: clip of the target smoothing noise")           \
  X(INT, policy_delay, 2, 1, 1000,                                                           \
    "actor and target updates every N critic updates (CleanRL's DDPG and TD3: 2)")           \
  X(INT, batch_norm, 0, 0, 1,                                                                 \
    "DDPG paper (Lillicrap et al. 2016): batch norm on the state input, the actor's hidden "  \
    "layers and the critic's layers before the action")                                      \
  X(DBL, bn_momentum, 0.1, 1e-4, 1,                                                           \
    "batch-norm running statistics r <- (1-m) r + m batch (PyTorch BatchNorm1d momentum)")    \
  X(INT, critic_action_layer, 1, 1, 6,                                                        \
    "critic layer the action joins: 1 the input (TD3, CleanRL), 2 the second layer "          \
    "(Lillicrap et al. 2016)")                                                                \
  X(DBL, final_init, 0.0, 0, 1,                                                               \
    "output layers of actor and critic ~ U(-x, x) (Lillicrap et al. 2016: 3e-3; 0: PyTorch's " \
    "default like the hidden layers)")                                                        \
  X(LONG, eval_every, 5000, 1, 1e10, "evaluate every N environment steps")                   \
  X(INT, eval_episodes, 10, 1, 100000, "noise-free evaluation episodes")                     \
  X(LONG, checkpoint_every, 50000, 1, 1e10, "checkpoint every N environment steps")          \
  X(INT, save_replay, 1, 0, 1,                                                                \
    "1: store the replay buffer in checkpoints (exact resume); 0: smaller files, but a resume "\
    "refills the buffer from the current policy, which can wreck a trained policy")          \
  X(DBL, log_seconds, 10, 0.1, 1e6, "seconds between progress lines when not a terminal")

#define CONFIG_STR_LEN 512

typedef struct {
#define X_FIELD(kind, name, def, a, b, help) X_FIELD_##kind(name)
#define X_FIELD_STR(name) char name[CONFIG_STR_LEN];
#define X_FIELD_LONG(name) long name;
#define X_FIELD_INT(name) int name;
#define X_FIELD_DBL(name) double name;
  TRAIN_CONFIG_FIELDS(X_FIELD)
#undef X_FIELD
#undef X_FIELD_STR
#undef X_FIELD_LONG
#undef X_FIELD_INT
#undef X_FIELD_DBL
} TrainConfig;

/* fill every field with its default */
void config_defaults(TrainConfig *c);

/* apply preset c->preset to every field not explicitly set (seen[i] != 0 for field i) */
int config_apply_preset(TrainConfig *c, const int *seen, char *err);

/* resolve environment-dependent values (start_steps -1) and check cross-field rules
 * (batch <= buffer_size, hidden list); returns 0 or -1 + err */
int config_resolve(TrainConfig *c, char *err);

/* number of fields in the table */
int config_n_fields(void);

/* build an ArgSpec table over c for the train flags (n = config_n_fields()); string fields
 * are parsed into str_slots and copied back by config_from_args */
void config_arg_specs(TrainConfig *c, ArgSpec *specs, const char **str_slots);

/* copy parsed string slots back into c; returns 0 or -1 + err (too long) */
int config_from_args(TrainConfig *c, const ArgSpec *specs, const char **str_slots, char *err);

/* the configuration a parsed flag table describes (specs from config_arg_specs, after
 * args_parse): copies the string values back (config_from_args), applies the preset to every
 * field not given (config_apply_preset) and resolves derived values (config_resolve), as
 * `ddpg train` and ddpg_train do; 0 or -1 + err */
int config_finish(TrainConfig *c, const ArgSpec *specs, const char **str_slots, char *err);

/* the learner thread count of a resolved configuration (learner_threads holds a number) */
int config_learner_threads(const TrainConfig *c);

/* parse "256,256" into widths; returns count or -1 + err */
int config_parse_hidden(const char *s, int *widths, int max, char *err);

/* the AgentConfig a TrainConfig describes, for an env with these dims and bounds */
void config_agent(const TrainConfig *c, int obs_dim, int act_dim, const float *low,
                  const float *high, AgentConfig *out);

/* write every field (name, value) to a checkpoint */
void config_write(Writer *w, const TrainConfig *c);

/* read the fields config_write wrote; 0, or -1 with the failure latched in r */
int config_read(Reader *r, TrainConfig *c);

/* print every field as "name = value" lines (for logs and `ddpg info`) */
void config_print(FILE *f, const TrainConfig *c);

#endif
