/* ddpg: the agent (actor μθ, critic Qw, their targets, optimizers) and the DDPG update.
 *
 * The update reads like the algorithm in docs/algorithm.md. TD3's three switches (twin
 * critics with the clipped double-Q target, target policy smoothing, delayed policy and
 * target updates) are options of the same update; with them off it is plain DDPG. The
 * original DDPG architecture (batch norm, the action entering the critic's second layer)
 * is two more options of the networks (docs/algorithms.md). */
#ifndef DDPG_DDPG_H
#define DDPG_DDPG_H

#include "env.h"
#include "mlp.h"
#include "optim.h"
#include "replay.h"
#include "rng.h"
#include "serial.h"

#define AGENT_MAX_HIDDEN (MLP_MAX_LAYERS - 1)

typedef enum { OPT_ADAM = 0, OPT_SGD = 1 } Optimizer;

typedef struct {
  int obs_dim, act_dim;
  int n_hidden;                       /* hidden layers (ReLU) of actor and critic */
  int hidden[AGENT_MAX_HIDDEN];       /* their widths */
  Activation actor_out;               /* ACT_TANH: scaled to the action bounds; ACT_IDENTITY */
  int actor_bias, critic_bias;        /* 1: layers carry biases */
  const float *act_low, *act_high;    /* action bounds (act_dim each; tanh scaling): the
                                         caller's for agent_init, which points them at the
                                         agent's own copy */
  float gamma;                        /* discount γ */
  float tau;                          /* Polyak rate τ */
  float actor_lr, critic_lr;          /* learning rates */
  float critic_l2;                    /* critic L2 weight decay */
  Optimizer optimizer;                /* Adam (β 0.9, 0.999, ε 1e-8) or plain SGD */
  int batch;                          /* minibatch size */
  int twin;                           /* TD3: two critics, min of the target critics */
  float target_noise, target_noise_clip; /* TD3: smoothing noise σ and clip on a' */
  int policy_delay;                   /* actor and targets every this many critic updates */
  int batch_norm;                     /* DDPG paper: batch norm on s and the layers before a */
  float bn_momentum;                  /* running-statistics rate (PyTorch's momentum) */
  float final_init;                   /* > 0: output layers ~ U(-x, x) (DDPG paper: 3e-3) */
  int critic_action_layer;            /* Linear layer of Q that a joins: 1 (or 0) the input */
} AgentConfig;

/* called on a gradient slab right before each optimizer step (e.g. to average it across
 * MPI ranks); NULL for single-process training */
typedef void (*GradReduceFn)(void *ctx, float *grads, size_t n);

typedef struct {
  AgentConfig cfg;
  GradReduceFn grad_reduce;           /* optional gradient hook (data-parallel training) */
  void *grad_reduce_ctx;
  Team *team;                         /* the learner's threads (NULL: the caller alone) */
  int n_critics;                      /* 1, or 2 with twin */
  Mlp actor, actor_targ;              /* μθ, μθ' : obs -> act */
  Mlp critic[2], critic_targ[2];      /* Qw, Qw' : obs (+ act at critic_action_layer) -> 1 */
  Adam actor_opt, critic_opt[2];
  float *bounds;                      /* one slab: low, high, scale, center (act_dim each) */
  float *act_scale;                   /* (high - low) / 2 for tanh output, else 1 */
  float *act_center;                  /* (high + low) / 2 for tanh output, else 0 */
  long n_updates;                     /* critic updates done */
  /* scratch for one update, (batch x ...) each */
  float *a_next;                      /* a' = μ'(s')            (B x act) */
  float *q_next;                      /* Q'(s', a')             (B) */
  float *y;                           /* TD target              (B) */
  float *q;                           /* Q(s, a) before the step (B) */
  float *dq;                          /* dLoss/dQ               (B) */
  float *a_pi;                        /* μ(s)                   (B x act) */
  float *dqa;                         /* dLoss/da from the critic (B x act) */
  float *da;                          /* dLoss/du at the actor's output (B x act) */
  float *infer_scratch;               /* mlp_infer scratch */
  /* statistics of the last update */
  double critic_loss;                 /* mean δ² over the batch (first critic) */
  double actor_loss;                  /* -mean Q(s, μ(s)) (last actor step) */
  double mean_q;                      /* mean Q(s, a) */
} Agent;

/* allocate networks and optimizers for cfg and initialize parameters from rng (targets are
 * copies of the online networks) */
void agent_init(Agent *ag, const AgentConfig *cfg, Rng *rng);

/* release; accepts a zeroed struct */
void agent_free(Agent *ag);

/* run the update's steps on team t (NULL: the calling thread alone); the team is not
 * owned and must outlive its use */
void agent_set_team(Agent *ag, Team *t);

/* one update on minibatch b (b->n rows). rng drives target smoothing noise.
 * Returns 0, or -1 with a message in err when a loss or Q value is not finite */
int ddpg_update(Agent *ag, const Batch *b, Rng *rng, char *err);

/* deterministic action a = μ(obs) for one observation, from an actor slab of ag->actor's
 * layout (ag->actor.params, or a worker's copy); scratch from agent_infer_scratch_len */
void agent_act(const Agent *ag, const float *actor_params, const float *obs, float *act,
               float *scratch);

/* floats of scratch agent_act needs */
int agent_infer_scratch_len(const Agent *ag);

/* write every parameter, batch-norm running statistic, target and optimizer moment of the
 * agent (checkpoint section) */
void agent_write(Writer *w, const Agent *ag);

/* read what agent_write wrote into an agent built with the same config; 0, or -1 with the
 * failure latched in r */
int agent_read(Reader *r, Agent *ag);

/* y = r + γ·(1 − d)·q_next for n rows (not_done = 1 − d); exposed for tests */
void td_target(float *y, const float *r, const float *not_done, const float *q_next,
               float gamma, int n);

#endif
