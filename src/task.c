/* task: parse a YAML task file against the vocabulary, resolve it against an mjModel, and
 * evaluate its terms each step; see task.h and docs/robots.md (the vocabulary reference).
 *
 * The file is read with libyaml's document API (yaml_parser_load). Every entry of the
 * observation, reward, termination and reset lists is a mapping whose FIRST key names the
 * term; that key's value is the term's main argument (joints, a body, a site, a sensor, or
 * nothing) and the other keys are its options. One TermDef table lists, per section, each
 * term, the kind of its argument and the options it accepts, so an unknown term or option
 * (a typo) is an error, never silently ignored.
 *
 * All terms share one struct (Term): the parsed fields, then the resolved ones. Resolution
 * turns names into addresses: an observation term that copies model arrays (qpos, qvel,
 * cos/sin, sensors, cinert, ...) becomes a source array and a list of indices into it, so
 * the step is a gather loop. Values are read from mjData as mj_step left it (no mj_forward):
 * kinematic quantities (xpos, site_xpos, cinert, cvel, ...) are those of the last evaluation
 * inside the last substep, as Gymnasium v4 reads them (docs/environments.md). */
#include "task.h"

#include <math.h>
#include <mujoco/mujoco.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "randomize.h"
#include "util.h"

#define TASK_MAX_DIM 65536   /* observation/action entries: far above any robot (Humanoid 376) */
#define TASK_MAX_NAME 128    /* characters of a joint/body/... name */
#define TASK_MAX_DRAWS 1000000 /* draws of a goal's rejection loop */

typedef enum { SEC_OBS, SEC_REWARD, SEC_TERM, SEC_RESET } Section;

typedef enum {
  /* observation */
  K_QPOS, K_QVEL, K_COS, K_SIN, K_BODY_POS, K_SITE_POS, K_BODY_LINVEL, K_BODY_ANGVEL,
  K_SENSOR, K_CINERT, K_CVEL, K_QFRC_ACTUATOR, K_QFRC_CONSTRAINT, K_CFRC_EXT,
  /* reward */
  K_FORWARD_VELOCITY, K_HEALTHY, K_CONTROL_COST, K_CONTACT_COST, K_DISTANCE, K_QVEL_COST,
  K_POSITION_COST,
  /* termination: conditions for "healthy" */
  K_C_QPOS, K_C_QVEL, K_C_BODY_HEIGHT, K_C_SITE_HEIGHT, K_C_FINITE,
  /* reset */
  K_QPOS_NOISE, K_QVEL_NOISE, K_GOAL, K_QVEL_ZERO,
} Kind;

/* the main argument of a term */
typedef enum {
  A_NONE,     /* no value (null) */
  A_JOINTS,   /* "all" or a joint name or a list of joint names */
  A_BODIES,   /* "all" or a body name or a list of body names */
  A_BODY,     /* one body name */
  A_SITE,     /* one site name */
  A_SENSOR,   /* one sensor name */
  A_NAME,     /* one name whose kind an option (`of`) says */
  A_ALL,      /* the word "all" */
} ArgKind;

typedef struct {
  const char *name;
  Section sec;
  Kind kind;
  ArgKind arg;
  const char *opts;  /* accepted option keys, space-separated, each between spaces */
  const char *help;  /* one line for `ddpg task` and docs/robots.md */
} TermDef;

static const TermDef TERMS[] = {
    {"qpos", SEC_OBS, K_QPOS, A_JOINTS, " exclude free_xy clip ", "joint positions"},
    {"qvel", SEC_OBS, K_QVEL, A_JOINTS, " exclude clip ", "joint velocities"},
    {"cos", SEC_OBS, K_COS, A_JOINTS, " exclude clip ", "cosine of hinge angles"},
    {"sin", SEC_OBS, K_SIN, A_JOINTS, " exclude clip ", "sine of hinge angles"},
    {"body_pos", SEC_OBS, K_BODY_POS, A_BODY, " relative_to clip ",
     "world position of a body frame (xpos), or its difference to another body"},
    {"site_pos", SEC_OBS, K_SITE_POS, A_SITE, " relative_to clip ",
     "world position of a site, or its difference to another site"},
    {"body_linvel", SEC_OBS, K_BODY_LINVEL, A_BODY, " clip ",
     "linear velocity of a body frame, world orientation"},
    {"body_angvel", SEC_OBS, K_BODY_ANGVEL, A_BODY, " clip ",
     "angular velocity of a body, world orientation"},
    {"sensor", SEC_OBS, K_SENSOR, A_SENSOR, " clip ", "output of an MJCF <sensor>"},
    {"cinert", SEC_OBS, K_CINERT, A_BODIES, " clip ", "com-based inertia, 10 per body"},
    {"cvel", SEC_OBS, K_CVEL, A_BODIES, " clip ", "com-based velocity, 6 per body"},
    {"qfrc_actuator", SEC_OBS, K_QFRC_ACTUATOR, A_JOINTS, " exclude clip ",
     "actuator force per dof"},
    {"qfrc_constraint", SEC_OBS, K_QFRC_CONSTRAINT, A_JOINTS, " exclude clip ",
     "constraint force per dof"},
    {"cfrc_ext", SEC_OBS, K_CFRC_EXT, A_BODIES, " clip ",
     "external (contact) force per body, 6 per body"},

    {"forward_velocity", SEC_REWARD, K_FORWARD_VELOCITY, A_NAME, " of axis weight ",
     "(p_after - p_before) / dt of a joint's qpos, a body's xpos or a subtree's COM"},
    {"healthy", SEC_REWARD, K_HEALTHY, A_NONE, " on_terminating_step weight ",
     "1 while the termination conditions hold"},
    {"control_cost", SEC_REWARD, K_CONTROL_COST, A_NONE, " weight ",
     "-sum a^2 of the action as passed (unclipped)"},
    {"contact_cost", SEC_REWARD, K_CONTACT_COST, A_NONE, " clip weight ",
     "-sum cfrc_ext^2 over every body (clipped first when clip is given)"},
    {"distance", SEC_REWARD, K_DISTANCE, A_NAME, " to of when weight ",
     "-|p(a) - p(b)| between two bodies or two sites"},
    {"qvel_cost", SEC_REWARD, K_QVEL_COST, A_JOINTS, " exclude when weights weight ",
     "-sum w_k qvel_k^2 of joints (w_k = 1 unless weights are given)"},
    {"position_cost", SEC_REWARD, K_POSITION_COST, A_NAME, " of target axis_weights when weight ",
     "-sum_k w_k (p_k - target_k)^2 of a body or site position"},

    {"qpos", SEC_TERM, K_C_QPOS, A_JOINTS, " exclude index range inclusive ",
     "every qpos entry of the joints (or entry `index` of one) within range"},
    {"qvel", SEC_TERM, K_C_QVEL, A_JOINTS, " exclude index range inclusive ",
     "every qvel entry of the joints (or entry `index` of one) within range"},
    {"body_height", SEC_TERM, K_C_BODY_HEIGHT, A_BODY, " range inclusive ",
     "z of a body frame within range"},
    {"site_height", SEC_TERM, K_C_SITE_HEIGHT, A_SITE, " range inclusive ",
     "z of a site within range"},
    {"finite", SEC_TERM, K_C_FINITE, A_ALL, " ", "every qpos and qvel entry finite"},

    {"qpos_noise", SEC_RESET, K_QPOS_NOISE, A_JOINTS, " exclude uniform normal ",
     "qpos = qpos0 + U(-s, s) or s N(0, 1), per entry"},
    {"qvel_noise", SEC_RESET, K_QVEL_NOISE, A_JOINTS, " exclude uniform normal ",
     "qvel = U(-s, s) or s N(0, 1), per entry"},
    {"goal", SEC_RESET, K_GOAL, A_JOINTS, " disc box min_norm ",
     "qpos of 1-dof joints drawn uniformly in a disc or box, by rejection"},
    {"qvel_zero", SEC_RESET, K_QVEL_ZERO, A_JOINTS, " exclude ", "qvel = 0"},
};
static const int N_TERMS = (int)(sizeof TERMS / sizeof TERMS[0]);

static const char *const SECTION_NAMES[] = {"observation", "reward", "termination.conditions",
                                            "reset"};

/* OF_MASS_CENTER: sum_b m_b xipos_b / sum_b m_b over a subtree's bodies in body order (the
 * sum Gymnasium's mass_center writes); OF_SUBTREE is MuJoCo's subtree_com, the same value
 * summed in MuJoCo's order */
typedef enum { OF_BODY, OF_SITE, OF_JOINT, OF_SUBTREE, OF_MASS_CENTER } Of;
typedef enum { SRC_QPOS, SRC_QVEL, SRC_SENSOR, SRC_CINERT, SRC_CVEL, SRC_QFRC_ACT,
               SRC_QFRC_CON, SRC_CFRC_EXT } Src;

typedef struct {
  const TermDef *def;
  int line;              /* 1-based line of the entry in the file */
  char where[48];        /* "observation[2]" */
  /* parsed */
  int all;               /* argument "all" */
  char **names;          /* argument names (n_names) */
  int n_names;
  char **exclude;        /* with "all": joints left out */
  int n_exclude;
  char *ref;             /* relative_to / to */
  Of of;
  int axis;              /* 0, 1, 2 = x, y, z */
  int free_xy;           /* qpos: keep a free joint's x and y (default 1) */
  int has_clip;
  double clip_lo, clip_hi;
  double weight;
  int before;            /* read before the step (when: before) */
  int on_term;           /* healthy: paid on the terminating step (v4) */
  double lo, hi;         /* termination range */
  int inclusive;
  int index;             /* termination qpos/qvel: the one entry of the joint read, or -1 */
  int normal;            /* reset noise: 1 normal, 0 uniform */
  double scale;
  int box_n;
  double box_lo[3], box_hi[3];
  double min_norm, max_norm; /* goal: accepted when min_norm < |g| < max_norm */
  double target[3], axis_w[3];
  double *entry_w;       /* qvel_cost weights: one per qvel entry (n_entry_w), or NULL */
  int n_entry_w;
  double mass;           /* of: mass_center: the subtree's mass, summed as NumPy does */
  /* resolved */
  int n;                 /* values (observation entries, gathered indices) */
  int *idx;              /* gather indices into the source array */
  Src src;
  int a, b;              /* ids (body/site/joint address), -1 none */
  int slot;              /* scratch slot of a value kept across the step */
} Term;

struct Task {
  char *file;
  char *model;
  char *description;
  int frame_skip, time_limit;
  char *track_name;
  int track_body;
  /* action */
  int act_all;
  int act_line, track_line;  /* lines of action.actuators and track_body, for messages */
  char **act_names;
  int n_act_names;
  int act_dim;
  int *act_id;
  float *act_low, *act_high;
  char **act_labels;
  /* terms */
  Term *obs, *rew, *cond, *rst;
  int n_obs, n_rew, n_cond, n_rst;
  int terminate;         /* 0: the conditions only decide the healthy bonus */
  int obs_dim;
  char **obs_labels;
  double dt;
  int rne_post;
  size_t scratch;
  /* randomize: as parsed (a parameter's names, or all of its kind), then resolved */
  struct {
    int on, all, line;
    double lo, hi;
    char **names;
    int n_names;
  } rnd[RAND_N_PARAMS];
  double *rnd_sigma;     /* obs_noise: one sigma (n_rnd_sigma 1) or one per observation term */
  int n_rnd_sigma, rnd_sigma_line;
  Randomization rand;    /* resolved: ids and per-entry sigmas */
  int resolved;
};

/* ------------------------------------------------------------------------------------ */
/* YAML access                                                                            */

typedef struct {
  yaml_document_t *doc;
  const char *file;
  char *err;
} P;

static int line_of(const yaml_node_t *n) { return n ? (int)n->start_mark.line + 1 : 0; }

/* "FILE:LINE: WHERE: message"; returns -1 */
static int perr(P *p, const yaml_node_t *n, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int perr(P *p, const yaml_node_t *n, const char *where, const char *fmt, ...) {
  char msg[ERR_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return err_set(p->err, "%s:%d: %s: %s", p->file, line_of(n), where, msg);
}

static yaml_node_t *node_at(P *p, int i) { return yaml_document_get_node(p->doc, i); }

static const char *scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int is_null(const yaml_node_t *n) {
  const char *s = scalar(n);
  return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
         (s[0] == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0);
}

static const char *type_name(const yaml_node_t *n) {
  if (!n) return "nothing";
  if (n->type == YAML_MAPPING_NODE) return "a mapping";
  if (n->type == YAML_SEQUENCE_NODE) return "a list";
  return is_null(n) ? "an empty value" : "a scalar";
}

static int get_double(P *p, const yaml_node_t *n, const char *where, double lo, double hi,
                      double *out) {
  const char *s = scalar(n);
  if (!s || is_null(n)) return perr(p, n, where, "expected a number, got %s", type_name(n));
  double v;
  if (strcmp(s, ".inf") == 0 || strcmp(s, "+.inf") == 0 || strcmp(s, "inf") == 0) {
    v = INFINITY;
  } else if (strcmp(s, "-.inf") == 0 || strcmp(s, "-inf") == 0) {
    v = -INFINITY;
  } else {
    char *end;
    v = strtod(s, &end);
    if (end == s || *end || isnan(v) || strchr(s, 'x') || strchr(s, 'X') || strchr(s, 'n') ||
        strchr(s, 'N'))
      return perr(p, n, where, "expected a number, got '%.40s'", s);
  }
  if (!(v >= lo && v <= hi))
    return perr(p, n, where, "%.40s is out of range [%g, %g]", s, lo, hi);
  *out = v;
  return 0;
}

static int get_int(P *p, const yaml_node_t *n, const char *where, int lo, int hi, int *out) {
  double v = 0.0;
  if (get_double(p, n, where, lo, hi, &v) != 0) return -1;
  if (v != floor(v)) return perr(p, n, where, "expected a whole number, got %g", v);
  *out = (int)v;
  return 0;
}

static int get_bool(P *p, const yaml_node_t *n, const char *where, int *out) {
  const char *s = scalar(n);
  if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)) return *out = 1, 0;
  if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)) return *out = 0, 0;
  return perr(p, n, where, "expected true or false, got %s", s ? "another scalar" : type_name(n));
}

/* a name: a non-empty scalar of printable characters */
static int get_name(P *p, const yaml_node_t *n, const char *where, char **out) {
  const char *s = scalar(n);
  if (!s || is_null(n)) return perr(p, n, where, "expected a name, got %s", type_name(n));
  size_t len = strlen(s);
  if (len > TASK_MAX_NAME)
    return perr(p, n, where, "name is longer than %d characters", TASK_MAX_NAME);
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return perr(p, n, where, "a name may not hold control characters");
  *out = xstrdup(s);
  return 0;
}

/* [lo, hi] with lo < hi (or lo <= hi when equal_ok) */
static int get_pair(P *p, const yaml_node_t *n, const char *where, double *lo, double *hi) {
  if (!n || n->type != YAML_SEQUENCE_NODE ||
      n->data.sequence.items.top - n->data.sequence.items.start != 2)
    return perr(p, n, where, "expected [low, high], got %s", type_name(n));
  if (get_double(p, node_at(p, n->data.sequence.items.start[0]), where, -INFINITY, INFINITY,
                 lo) != 0 ||
      get_double(p, node_at(p, n->data.sequence.items.start[1]), where, -INFINITY, INFINITY,
                 hi) != 0)
    return -1;
  if (!(*lo < *hi)) return perr(p, n, where, "low %g must be below high %g", *lo, *hi);
  return 0;
}

static int get_vec3(P *p, const yaml_node_t *n, const char *where, double *v) {
  if (!n || n->type != YAML_SEQUENCE_NODE ||
      n->data.sequence.items.top - n->data.sequence.items.start != 3)
    return perr(p, n, where, "expected [x, y, z], got %s", type_name(n));
  for (int k = 0; k < 3; k++)
    if (get_double(p, node_at(p, n->data.sequence.items.start[k]), where, -1e300, 1e300,
                   &v[k]) != 0)
      return -1;
  return 0;
}

/* a name or a list of names (also "all" when all_ok) */
static int get_names(P *p, const yaml_node_t *n, const char *where, int all_ok, int *all,
                     char ***names, int *count) {
  *all = 0;
  const char *s = scalar(n);
  if (s && !is_null(n)) {
    if (strcmp(s, "all") == 0) {
      if (!all_ok) return perr(p, n, where, "'all' is not accepted here; name one");
      *all = 1;
      return 0;
    }
    *names = xcalloc(1, sizeof(char *));
    *count = 1;
    return get_name(p, n, where, &(*names)[0]);
  }
  if (!n || n->type != YAML_SEQUENCE_NODE)
    return perr(p, n, where, "expected %sa name or a list of names, got %s",
                all_ok ? "all, " : "", type_name(n));
  int k = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (k == 0) return perr(p, n, where, "the list of names is empty");
  if (k > TASK_MAX_DIM) return perr(p, n, where, "more than %d names", TASK_MAX_DIM);
  *names = xcalloc((size_t)k, sizeof(char *));
  for (int i = 0; i < k; i++) {
    char w[80];
    snprintf(w, sizeof w, "%s[%d]", where, i);
    *count = i;
    if (get_name(p, node_at(p, n->data.sequence.items.start[i]), w, &(*names)[i]) != 0)
      return -1;
  }
  *count = k;
  return 0;
}

/* check the keys of mapping n against "allowed" (" a b c "), refusing duplicates */
static int check_keys(P *p, const yaml_node_t *n, const char *where, const char *allowed,
                      int skip_first) {
  for (yaml_node_pair_t *q = n->data.mapping.pairs.start + skip_first;
       q < n->data.mapping.pairs.top; q++) {
    yaml_node_t *k = node_at(p, q->key);
    const char *key = scalar(k);
    if (!key) return perr(p, k, where, "a key must be a plain word");
    char pat[TASK_MAX_NAME + 3];
    snprintf(pat, sizeof pat, " %.*s ", TASK_MAX_NAME, key);
    if (!key[0] || strlen(key) > TASK_MAX_NAME || !strstr(allowed, pat))
      return perr(p, k, where, "unknown key '%.60s' (accepted:%s)", key, allowed);
    for (yaml_node_pair_t *o = n->data.mapping.pairs.start; o < q; o++)
      if (strcmp(scalar(node_at(p, o->key)) ? scalar(node_at(p, o->key)) : "", key) == 0)
        return perr(p, k, where, "key '%s' appears twice", key);
  }
  return 0;
}

/* value of key in mapping n, or NULL */
static yaml_node_t *lookup(P *p, const yaml_node_t *n, const char *key) {
  for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top; q++) {
    const char *k = scalar(node_at(p, q->key));
    if (k && strcmp(k, key) == 0) return node_at(p, q->value);
  }
  return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* parsing the terms                                                                      */

static int parse_of(P *p, const yaml_node_t *v, const char *w, Of *of, int joint_ok,
                    int subtree_ok) {
  const char *s = scalar(v);
  if (s && strcmp(s, "body") == 0) return *of = OF_BODY, 0;
  if (s && strcmp(s, "site") == 0 && !joint_ok) return *of = OF_SITE, 0;
  if (s && strcmp(s, "joint") == 0 && joint_ok) return *of = OF_JOINT, 0;
  if (s && strcmp(s, "subtree") == 0 && subtree_ok) return *of = OF_SUBTREE, 0;
  if (s && strcmp(s, "mass_center") == 0 && subtree_ok) return *of = OF_MASS_CENTER, 0;
  return perr(p, v, w, "expected %s",
              joint_ok ? "joint, body, subtree or mass_center" : "body or site");
}

static int parse_term(P *p, const yaml_node_t *n, Section sec, int index, Term *t) {
  char where[48];
  snprintf(where, sizeof where, "%s[%d]", SECTION_NAMES[sec], index);
  memset(t, 0, sizeof *t);
  snprintf(t->where, sizeof t->where, "%s", where);
  t->line = line_of(n);
  t->a = t->b = -1;
  t->free_xy = 1;
  t->weight = 1.0;
  t->on_term = 1;
  t->lo = -INFINITY;
  t->hi = INFINITY;
  t->max_norm = INFINITY;
  t->min_norm = -1.0;
  t->index = -1;
  if (!n || n->type != YAML_MAPPING_NODE ||
      n->data.mapping.pairs.top == n->data.mapping.pairs.start)
    return perr(p, n, where, "expected a mapping whose first key names a term, got %s",
                type_name(n));
  yaml_node_pair_t *first = n->data.mapping.pairs.start;
  const char *tname = scalar(node_at(p, first->key));
  for (int i = 0; tname && i < N_TERMS; i++)
    if (TERMS[i].sec == sec && strcmp(TERMS[i].name, tname) == 0) t->def = &TERMS[i];
  if (!t->def) {
    char list[600] = "";
    for (int i = 0; i < N_TERMS; i++)
      if (TERMS[i].sec == sec && strlen(list) + strlen(TERMS[i].name) + 2 < sizeof list) {
        strcat(list, " ");
        strcat(list, TERMS[i].name);
      }
    return perr(p, n, where, "unknown term '%.60s' (the first key must be one of:%s)",
                tname ? tname : "?", list);
  }
  char w[96];
  snprintf(w, sizeof w, "%s.%s", where, t->def->name);
  if (check_keys(p, n, where, t->def->opts, 1) != 0) return -1;
  yaml_node_t *arg = node_at(p, first->value);
  switch (t->def->arg) {
    case A_NONE:
      if (!is_null(arg)) return perr(p, arg, w, "takes no value (leave it empty)");
      break;
    case A_ALL:
      if (!scalar(arg) || strcmp(scalar(arg), "all") != 0)
        return perr(p, arg, w, "expected the word all");
      t->all = 1;
      break;
    case A_JOINTS:
    case A_BODIES:
      if (get_names(p, arg, w, 1, &t->all, &t->names, &t->n_names) != 0) return -1;
      break;
    default:
      if (get_names(p, arg, w, 0, &t->all, &t->names, &t->n_names) != 0) return -1;
      if (t->n_names != 1) return perr(p, arg, w, "expected one name, got a list");
      break;
  }
  /* options */
  for (yaml_node_pair_t *q = first + 1; q < n->data.mapping.pairs.top; q++) {
    const char *key = scalar(node_at(p, q->key));
    yaml_node_t *v = node_at(p, q->value);
    if (!key) continue; /* check_keys refused non-scalar keys */
    snprintf(w, sizeof w, "%s.%s", where, key);
    int rc = 0;
    if (strcmp(key, "exclude") == 0) {
      int all;
      rc = get_names(p, v, w, 0, &all, &t->exclude, &t->n_exclude);
      if (rc == 0 && !t->all) rc = perr(p, v, w, "exclude goes with 'all' only");
    } else if (strcmp(key, "free_xy") == 0) {
      rc = get_bool(p, v, w, &t->free_xy);
    } else if (strcmp(key, "clip") == 0) {
      t->has_clip = 1;
      rc = get_pair(p, v, w, &t->clip_lo, &t->clip_hi);
    } else if (strcmp(key, "relative_to") == 0 || strcmp(key, "to") == 0) {
      rc = get_name(p, v, w, &t->ref);
    } else if (strcmp(key, "of") == 0) {
      rc = parse_of(p, v, w, &t->of, t->def->kind == K_FORWARD_VELOCITY,
                    t->def->kind == K_FORWARD_VELOCITY);
    } else if (strcmp(key, "axis") == 0) {
      const char *s = scalar(v);
      if (s && strlen(s) == 1 && s[0] >= 'x' && s[0] <= 'z')
        t->axis = s[0] - 'x';
      else
        rc = perr(p, v, w, "expected x, y or z");
    } else if (strcmp(key, "weight") == 0) {
      rc = get_double(p, v, w, -1e12, 1e12, &t->weight);
    } else if (strcmp(key, "when") == 0) {
      const char *s = scalar(v);
      if (s && strcmp(s, "before") == 0)
        t->before = 1;
      else if (!s || strcmp(s, "after") != 0)
        rc = perr(p, v, w, "expected before or after");
    } else if (strcmp(key, "on_terminating_step") == 0) {
      rc = get_bool(p, v, w, &t->on_term);
    } else if (strcmp(key, "range") == 0) {
      rc = get_pair(p, v, w, &t->lo, &t->hi);
    } else if (strcmp(key, "index") == 0) {
      rc = get_int(p, v, w, 0, 6, &t->index);
      if (rc == 0 && t->n_names != 1)
        rc = perr(p, v, w, "index picks an entry of one joint: name exactly one");
    } else if (strcmp(key, "inclusive") == 0) {
      rc = get_bool(p, v, w, &t->inclusive);
    } else if (strcmp(key, "uniform") == 0 || strcmp(key, "normal") == 0) {
      if (t->scale > 0 || (lookup(p, n, "uniform") && lookup(p, n, "normal")))
        rc = perr(p, v, w, "give one of uniform and normal");
      else
        rc = get_double(p, v, w, 1e-300, 1e6, &t->scale);
      t->normal = key[0] == 'n';
    } else if (strcmp(key, "disc") == 0) {
      double r;
      rc = get_double(p, v, w, 1e-300, 1e6, &r);
      if (rc == 0 && lookup(p, n, "box")) rc = perr(p, v, w, "give one of disc and box");
      t->box_n = 2;
      t->box_lo[0] = t->box_lo[1] = -r;
      t->box_hi[0] = t->box_hi[1] = r;
      t->max_norm = r;
    } else if (strcmp(key, "box") == 0) {
      int k = v && v->type == YAML_SEQUENCE_NODE
                  ? (int)(v->data.sequence.items.top - v->data.sequence.items.start) : 0;
      if (k < 1 || k > 3) {
        rc = perr(p, v, w, "expected a list of 1 to 3 [low, high] pairs, one per joint");
      } else {
        t->box_n = k;
        for (int i = 0; i < k && rc == 0; i++)
          rc = get_pair(p, node_at(p, v->data.sequence.items.start[i]), w, &t->box_lo[i],
                        &t->box_hi[i]);
      }
    } else if (strcmp(key, "min_norm") == 0) {
      rc = get_double(p, v, w, 0, 1e6, &t->min_norm);
    } else if (strcmp(key, "target") == 0) {
      rc = get_vec3(p, v, w, t->target);
    } else if (strcmp(key, "axis_weights") == 0) {
      rc = get_vec3(p, v, w, t->axis_w);
    } else if (strcmp(key, "weights") == 0) {
      int k = v && v->type == YAML_SEQUENCE_NODE
                  ? (int)(v->data.sequence.items.top - v->data.sequence.items.start) : 0;
      if (k < 1 || k > TASK_MAX_DIM) {
        rc = perr(p, v, w, "expected a list of numbers, one per qvel entry");
      } else {
        t->entry_w = xcalloc((size_t)k, sizeof(double));
        t->n_entry_w = k;
        for (int i = 0; i < k && rc == 0; i++)
          rc = get_double(p, node_at(p, v->data.sequence.items.start[i]), w, -1e12, 1e12,
                          &t->entry_w[i]);
      }
    }
    if (rc != 0) return -1;
  }
  /* required options and combinations */
  Kind k = t->def->kind;
  if ((k == K_QPOS_NOISE || k == K_QVEL_NOISE) && !(t->scale > 0))
    return perr(p, n, where, "%s needs uniform: S or normal: S (the noise scale)", tname);
  if (k == K_GOAL) {
    if (!t->box_n) return perr(p, n, where, "goal needs disc: R or box: [[lo, hi], ...]");
    if (t->all || t->n_names != t->box_n)
      return perr(p, n, where, "goal names %d joint(s) but its %s has %d dimension(s)",
                  t->all ? -1 : t->n_names, lookup(p, n, "disc") ? "disc" : "box", t->box_n);
    if (t->min_norm >= 0 && !(t->min_norm < t->max_norm))
      return perr(p, n, where, "min_norm must be below the disc radius");
    /* the rejection loop must be able to accept: min_norm below the box's farthest corner */
    double corner = 0.0;
    for (int i = 0; i < t->box_n; i++) {
      double c = fmax(fabs(t->box_lo[i]), fabs(t->box_hi[i]));
      corner += c * c;
    }
    if (t->min_norm >= 0 && !(t->min_norm < 0.99 * sqrt(corner)))
      return perr(p, n, where, "min_norm %g leaves (almost) nothing of the box to draw from",
                  t->min_norm);
  }
  if (k == K_DISTANCE && !t->ref) return perr(p, n, where, "distance needs to: NAME");
  if (k == K_POSITION_COST && !lookup(p, n, "axis_weights"))
    return perr(p, n, where, "position_cost needs axis_weights: [wx, wy, wz]");
  if ((k == K_C_QPOS || k == K_C_QVEL || k == K_C_BODY_HEIGHT || k == K_C_SITE_HEIGHT) &&
      !lookup(p, n, "range"))
    return perr(p, n, where, "%s needs range: [low, high]", tname);
  if (k == K_FORWARD_VELOCITY && !lookup(p, n, "of")) t->of = OF_BODY;
  if (k == K_FORWARD_VELOCITY && t->of == OF_JOINT && lookup(p, n, "axis"))
    return perr(p, n, where, "axis applies to of: body or subtree, not to a joint");
  if ((k == K_DISTANCE || k == K_POSITION_COST) && !lookup(p, n, "of")) t->of = OF_BODY;
  return 0;
}

static int parse_list(P *p, const yaml_node_t *n, Section sec, Term **out, int *count) {
  if (!n || n->type != YAML_SEQUENCE_NODE)
    return perr(p, n, SECTION_NAMES[sec], "expected a list of terms, got %s", type_name(n));
  int k = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (k > TASK_MAX_DIM) return perr(p, n, SECTION_NAMES[sec], "too many terms");
  *out = xcalloc((size_t)(k ? k : 1), sizeof(Term));
  for (int i = 0; i < k; i++) {
    *count = i + 1;
    if (parse_term(p, node_at(p, n->data.sequence.items.start[i]), sec, i, &(*out)[i]) != 0)
      return -1;
  }
  *count = k;
  return 0;
}

static int parse_action(P *p, Task *t, const yaml_node_t *n) {
  if (!n || n->type != YAML_MAPPING_NODE)
    return perr(p, n, "action", "expected a mapping (actuators: ..., type: direct)");
  if (check_keys(p, n, "action", " actuators type ", 0) != 0) return -1;
  yaml_node_t *ty = lookup(p, n, "type");
  if (ty && (!scalar(ty) || strcmp(scalar(ty), "direct") != 0))
    return perr(p, ty, "action.type", "expected direct (ctrl = action, unclipped; the only "
                "mapping so far)");
  yaml_node_t *a = lookup(p, n, "actuators");
  t->act_all = 1;
  t->act_line = line_of(a ? a : n);
  if (a) return get_names(p, a, "action.actuators", 1, &t->act_all, &t->act_names,
                          &t->n_act_names);
  return 0;
}

static int parse_termination(P *p, Task *t, const yaml_node_t *n) {
  if (!n || n->type != YAML_MAPPING_NODE)
    return perr(p, n, "termination", "expected a mapping (terminate: ..., conditions: [...])");
  if (check_keys(p, n, "termination", " terminate conditions ", 0) != 0) return -1;
  yaml_node_t *v = lookup(p, n, "terminate");
  t->terminate = 1;
  if (v && get_bool(p, v, "termination.terminate", &t->terminate) != 0) return -1;
  v = lookup(p, n, "conditions");
  if (!v) return perr(p, n, "termination", "needs conditions: [...]");
  return parse_list(p, v, SEC_TERM, &t->cond, &t->n_cond);
}

/* one parameter of randomize: [lo, hi] over every element, or {range: [lo, hi], <elements>:
 * names} */
static int parse_rand_param(P *p, Task *t, RandKind k, const yaml_node_t *n) {
  char w[64], allowed[64];
  snprintf(w, sizeof w, "randomize.%s", RAND_KEYS[k]);
  t->rnd[k].line = line_of(n);
  t->rnd[k].all = 1;
  const yaml_node_t *range = n;
  if (n && n->type == YAML_MAPPING_NODE) {
    snprintf(allowed, sizeof allowed, " range %s ", RAND_ELEMENTS[k]);
    if (check_keys(p, n, w, allowed, 0) != 0) return -1;
    range = lookup(p, n, "range");
    if (!range) return perr(p, n, w, "needs range: [low, high]");
    const yaml_node_t *names = lookup(p, n, RAND_ELEMENTS[k]);
    if (names && get_names(p, names, w, 1, &t->rnd[k].all, &t->rnd[k].names,
                           &t->rnd[k].n_names) != 0)
      return -1;
  }
  if (!range || range->type != YAML_SEQUENCE_NODE ||
      range->data.sequence.items.top - range->data.sequence.items.start != 2)
    return perr(p, range, w, "expected [low, high] or {range: [low, high], %s: [...]}, got %s",
                RAND_ELEMENTS[k], type_name(range));
  double *v[2] = {&t->rnd[k].lo, &t->rnd[k].hi};
  for (int i = 0; i < 2; i++)
    if (get_double(p, node_at(p, range->data.sequence.items.start[i]), w, -INFINITY, INFINITY,
                   v[i]) != 0)
      return -1;
  char where[ERR_LEN];
  snprintf(where, sizeof where, "%s:%d: %s", p->file, line_of(range), w);
  if (randomize_check_range(k, t->rnd[k].lo, t->rnd[k].hi, where, p->err) != 0) return -1;
  t->rnd[k].on = 1;
  return 0;
}

/* the randomize section (docs/sim2real.md); after observation and time_limit */
static int parse_randomize(P *p, Task *t, const yaml_node_t *n) {
  const char *w = "randomize";
  if (!n || n->type != YAML_MAPPING_NODE)
    return perr(p, n, w, "expected a mapping (mass: [0.8, 1.2], obs_noise: 0.01, ...)");
  if (check_keys(p, n, w, " mass friction damping armature gain com obs_noise delay jitter "
                 "action_noise ", 0) != 0)
    return -1;
  for (int k = 0; k < RAND_N_PARAMS; k++) {
    const yaml_node_t *v = lookup(p, n, RAND_KEYS[k]);
    if (v && parse_rand_param(p, t, (RandKind)k, v) != 0) return -1;
  }
  const yaml_node_t *v = lookup(p, n, "obs_noise");
  if (v) {
    t->rnd_sigma_line = line_of(v);
    if (v->type == YAML_SEQUENCE_NODE) {
      int k = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
      if (k != t->n_obs)
        return perr(p, v, "randomize.obs_noise", "has %d sigmas for %d observation terms "
                    "(give one per term, or one number for all)", k, t->n_obs);
      t->rnd_sigma = xcalloc((size_t)k, sizeof(double));
      t->n_rnd_sigma = k;
      for (int i = 0; i < k; i++)
        if (get_double(p, node_at(p, v->data.sequence.items.start[i]), "randomize.obs_noise",
                       0, 1e6, &t->rnd_sigma[i]) != 0)
          return -1;
    } else {
      t->rnd_sigma = xcalloc(1, sizeof(double));
      t->n_rnd_sigma = 1;
      if (get_double(p, v, "randomize.obs_noise", 0, 1e6, &t->rnd_sigma[0]) != 0) return -1;
    }
  }
  Randomization *r = &t->rand;
  if ((v = lookup(p, n, "action_noise")) &&
      get_double(p, v, "randomize.action_noise", 0, 1e6, &r->action_noise) != 0)
    return -1;
  const yaml_node_t *dv = lookup(p, n, "delay"), *jv = lookup(p, n, "jitter");
  if (dv && get_int(p, dv, "randomize.delay", -1000000000, 1000000000, &r->delay) != 0)
    return -1;
  if (jv && get_int(p, jv, "randomize.jitter", -1000000000, 1000000000, &r->jitter) != 0)
    return -1;
  char where[ERR_LEN];
  snprintf(where, sizeof where, "%s:%d: randomize.delay", p->file, line_of(dv ? dv : jv));
  return randomize_check_delay(r->delay, r->jitter, t->time_limit, where, p->err);
}

static int parse_doc(P *p, Task *t) {
  yaml_node_t *root = yaml_document_get_root_node(p->doc);
  if (!root || is_null(root))
    return err_set(p->err, "%s: the task file is empty (see docs/robots.md for the format)",
                   p->file);
  if (root->type != YAML_MAPPING_NODE)
    return perr(p, root, "top level", "expected a mapping of model:, frame_skip:, ...; got %s",
                type_name(root));
  if (check_keys(p, root, "top level", " description model frame_skip time_limit track_body "
                 "observation action reward termination reset randomize ", 0) != 0)
    return -1;
  static const char *const required[] = {"model", "frame_skip", "time_limit", "observation",
                                         "reward"};
  for (int i = 0; i < 5; i++)
    if (!lookup(p, root, required[i]))
      return perr(p, root, "top level", "missing key '%s' (see docs/robots.md)", required[i]);
  yaml_node_t *v;
  if ((v = lookup(p, root, "description"))) {
    if (!scalar(v)) return perr(p, v, "description", "expected text");
    t->description = xstrdup(scalar(v));
  }
  if (get_name(p, lookup(p, root, "model"), "model", &t->model) != 0 ||
      get_int(p, lookup(p, root, "frame_skip"), "frame_skip", 1, 1000, &t->frame_skip) != 0 ||
      get_int(p, lookup(p, root, "time_limit"), "time_limit", 1, 1000000000, &t->time_limit))
    return -1;
  if ((v = lookup(p, root, "track_body")) && get_name(p, v, "track_body", &t->track_name) != 0)
    return -1;
  t->track_line = line_of(v);
  if (parse_list(p, lookup(p, root, "observation"), SEC_OBS, &t->obs, &t->n_obs) != 0)
    return -1;
  if (t->n_obs == 0) return perr(p, lookup(p, root, "observation"), "observation", "is empty");
  if ((v = lookup(p, root, "action"))) {
    if (parse_action(p, t, v) != 0) return -1;
  } else {
    t->act_all = 1;
  }
  if (parse_list(p, lookup(p, root, "reward"), SEC_REWARD, &t->rew, &t->n_rew) != 0) return -1;
  if (t->n_rew == 0) return perr(p, lookup(p, root, "reward"), "reward", "is empty");
  if ((v = lookup(p, root, "termination")) && parse_termination(p, t, v) != 0) return -1;
  if ((v = lookup(p, root, "reset")) && parse_list(p, v, SEC_RESET, &t->rst, &t->n_rst) != 0)
    return -1;
  if ((v = lookup(p, root, "randomize")) && parse_randomize(p, t, v) != 0) return -1;
  for (int i = 0; i < t->n_rew; i++)
    if (t->rew[i].def->kind == K_HEALTHY && t->n_cond == 0)
      return err_set(p->err, "%s:%d: %s: healthy needs termination conditions (it pays while "
                     "they hold)", p->file, t->rew[i].line, t->rew[i].where);
  return 0;
}

int task_parse(Task **out, const char *name, const char *text, size_t len, char *err) {
  *out = NULL;
  if (len == 0) return err_set(err, "%s: the task file is empty (see docs/robots.md)", name);
  if (memchr(text, 0, len))
    return err_set(err, "%s: not a text file (it holds a NUL byte); a task is a YAML file",
                   name);
  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser)) ddpg_fatal(__FILE__, __LINE__, "yaml_parser_initialize");
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    int rc = err_set(err, "%s:%d: not valid YAML: %s%s%s", name,
                     (int)parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "unknown error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
    yaml_parser_delete(&parser);
    return rc;
  }
  /* a second document in the file would be ignored silently: refuse it */
  yaml_document_t extra;
  int more = 0;
  if (yaml_document_get_root_node(&doc)) {
    if (!yaml_parser_load(&parser, &extra)) {
      more = -1;
    } else {
      more = yaml_document_get_root_node(&extra) != NULL;
      yaml_document_delete(&extra);
    }
  }
  yaml_parser_delete(&parser);
  if (more) {
    yaml_document_delete(&doc);
    return err_set(err, "%s: %s after the first YAML document (a task file holds one)", name,
                   more < 0 ? "invalid text" : "a second document");
  }
  Task *t = xcalloc(1, sizeof *t);
  t->file = xstrdup(name);
  t->track_body = -1;
  P p = {&doc, name, err};
  int rc = parse_doc(&p, t);
  yaml_document_delete(&doc);
  if (rc != 0) {
    task_free(t);
    return -1;
  }
  *out = t;
  return 0;
}

const char *task_model_file(const Task *t) { return t->model; }

/* ------------------------------------------------------------------------------------ */
/* sums in NumPy's order                                                                  */

/* sum_i e_i, with e_i = x[i] (or f[i] when f is given), squared when sq, added in the order
 * of NumPy's np.sum of a contiguous float64 array (pairwise_sum in numpy/core/src/umath/
 * loops_utils.h): below 8 entries one by one; up to 128 in 8 running sums combined as
 * ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest one by one; above 128,
 * the two halves (the first a multiple of 8) recursively. np.sum starts from its identity
 * 0, which changes nothing. Gymnasium's costs (np.sum(np.square(action))) and Humanoid's
 * total mass are such sums, so their last bits match for any number of entries (for fewer
 * than 8, the plain loop is the same order). */
static double np_sum(const float *f, const double *x, int n, int sq) {
#define NP_ELEM(i) (f ? (double)f[i] * (sq ? (double)f[i] : 1.0) : x[i] * (sq ? x[i] : 1.0))
  if (n < 8) {
    double res = 0.0;
    for (int i = 0; i < n; i++) res += NP_ELEM(i);
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; j++) r[j] = NP_ELEM(j);
    int i;
    for (i = 8; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; j++) r[j] += NP_ELEM(i + j);
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += NP_ELEM(i);
    return res;
  }
#undef NP_ELEM
  int n2 = n / 2;
  n2 -= n2 % 8;
  return np_sum(f, x, n2, sq) + np_sum(f ? f + n2 : NULL, f ? NULL : x + n2, n - n2, sq);
}

/* ------------------------------------------------------------------------------------ */
/* resolving                                                                              */

typedef struct {
  const mjModel *m;
  const char *mjcf;
  char *err;
  const Task *t;
} R;

static int rerr(R *r, const Term *tm, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rerr(R *r, const Term *tm, const char *fmt, ...) {
  char msg[ERR_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return err_set(r->err, "%s:%d: %s: %s", r->t->file, tm->line, tm->where, msg);
}

static int find(R *r, const Term *tm, int type, const char *name, const char *what) {
  int id = mj_name2id(r->m, type, name);
  if (id < 0) rerr(r, tm, "model %s has no %s named '%s'", r->mjcf, what, name);
  return id;
}

static const char *const JOINT_TYPE[] = {"free", "ball", "slide", "hinge"};
static const char *const FREE_POS[] = {"x", "y", "z", "qw", "qx", "qy", "qz"};
static const char *const FREE_VEL[] = {"vx", "vy", "vz", "wx", "wy", "wz"};
static const char *const BALL_POS[] = {"qw", "qx", "qy", "qz"};
static const char *const AXES[] = {"x", "y", "z"};

static char *label(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *label(const char *fmt, ...) {
  char buf[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return xstrdup(buf);
}

static const char *jname(const mjModel *m, int j) {
  const char *s = mj_id2name(m, mjOBJ_JOINT, j);
  return s ? s : "(unnamed)";
}

/* the joints a term selects, in order: all (minus exclude) or the named ones */
static int select_joints(R *r, const Term *tm, int *ids, int *n) {
  const mjModel *m = r->m;
  *n = 0;
  if (tm->all) {
    for (int j = 0; j < m->njnt; j++) {
      int skip = 0;
      for (int e = 0; e < tm->n_exclude; e++)
        if (strcmp(jname(m, j), tm->exclude[e]) == 0) skip = 1;
      if (!skip) ids[(*n)++] = j;
    }
    for (int e = 0; e < tm->n_exclude; e++)
      if (find(r, tm, mjOBJ_JOINT, tm->exclude[e], "joint") < 0) return -1;
    return 0;
  }
  for (int i = 0; i < tm->n_names; i++) {
    int id = find(r, tm, mjOBJ_JOINT, tm->names[i], "joint");
    if (id < 0) return -1;
    ids[(*n)++] = id;
  }
  return 0;
}

static int qpos_width(int type) { return type == mjJNT_FREE ? 7 : type == mjJNT_BALL ? 4 : 1; }
static int dof_width(int type) { return type == mjJNT_FREE ? 6 : type == mjJNT_BALL ? 3 : 1; }

/* gather indices (and labels when labels != NULL) of the selected joints' qpos entries
 * (pos = 1) or dof entries (pos = 0) */
static int gather_joints(R *r, Term *tm, int pos, int hinge_only, const char *tag,
                         char ***labels) {
  const mjModel *m = r->m;
  int *ids = xcalloc((size_t)m->njnt + 1, sizeof(int));
  int nj;
  if (select_joints(r, tm, ids, &nj) != 0) {
    free(ids);
    return -1;
  }
  int cap = 0;
  for (int i = 0; i < nj; i++)
    cap += pos ? qpos_width(m->jnt_type[ids[i]]) : dof_width(m->jnt_type[ids[i]]);
  tm->idx = xcalloc((size_t)cap + 1, sizeof(int));
  if (labels) *labels = xcalloc((size_t)cap + 1, sizeof(char *));
  tm->n = 0;
  for (int i = 0; i < nj; i++) {
    int j = ids[i], type = m->jnt_type[j];
    if (hinge_only && type != mjJNT_HINGE) {
      rerr(r, tm, "joint '%s' is a %s joint; %s takes hinge joints only", jname(m, j),
           JOINT_TYPE[type], tm->def->name);
      free(ids);
      return -1;
    }
    int w = pos ? qpos_width(type) : dof_width(type);
    int base = pos ? m->jnt_qposadr[j] : m->jnt_dofadr[j];
    for (int k = 0; k < w; k++) {
      if (pos && type == mjJNT_FREE && k < 2 && !tm->free_xy) continue;
      tm->idx[tm->n] = base + k;
      if (labels) {
        const char *part = type == mjJNT_FREE ? (pos ? FREE_POS[k] : FREE_VEL[k])
                           : type == mjJNT_BALL ? (pos ? BALL_POS[k] : AXES[k]) : NULL;
        /* units of the plain qpos / qvel entries: translations m, rotations rad */
        int lin = type == mjJNT_SLIDE || (type == mjJNT_FREE && k < 3);
        int quat = pos && (type == mjJNT_BALL || (type == mjJNT_FREE && k >= 3));
        const char *unit = strcmp(tag, "qpos") == 0 ? (quat ? "" : lin ? " (m)" : " (rad)")
                           : strcmp(tag, "qvel") == 0 ? (lin ? " (m/s)" : " (rad/s)") : "";
        (*labels)[tm->n] = part ? label("%s %s %s%s", tag, jname(m, j), part, unit)
                                : label("%s %s%s", tag, jname(m, j), unit);
      }
      tm->n++;
    }
  }
  free(ids);
  if (tm->n == 0) return rerr(r, tm, "selects no entries");
  return 0;
}

/* bodies selected by an A_BODIES term; per-body width w values of a body-major array */
static int gather_bodies(R *r, Term *tm, int w, const char *const *parts, char ***labels) {
  const mjModel *m = r->m;
  int nb = tm->all ? m->nbody : tm->n_names;
  tm->n = nb * w;
  tm->idx = xcalloc((size_t)tm->n, sizeof(int));
  *labels = xcalloc((size_t)tm->n, sizeof(char *));
  for (int i = 0; i < nb; i++) {
    int b = i;
    if (!tm->all && (b = find(r, tm, mjOBJ_BODY, tm->names[i], "body")) < 0) return -1;
    const char *bn = mj_id2name(m, mjOBJ_BODY, b);
    for (int k = 0; k < w; k++) {
      tm->idx[i * w + k] = b * w + k;
      (*labels)[i * w + k] = label("%s %s[%d]%s%s", tm->def->name, bn ? bn : "(unnamed)", k,
                                   parts ? " " : "", parts ? parts[k] : "");
    }
  }
  return 0;
}

static int resolve_obs(R *r, Task *t, Term *tm, char ***labels) {
  const mjModel *m = r->m;
  const char *nm = tm->names ? tm->names[0] : NULL;
  switch (tm->def->kind) {
    case K_QPOS: tm->src = SRC_QPOS; return gather_joints(r, tm, 1, 0, "qpos", labels);
    case K_QVEL: tm->src = SRC_QVEL; return gather_joints(r, tm, 0, 0, "qvel", labels);
    case K_COS: tm->src = SRC_QPOS; return gather_joints(r, tm, 1, 1, "cos", labels);
    case K_SIN: tm->src = SRC_QPOS; return gather_joints(r, tm, 1, 1, "sin", labels);
    case K_QFRC_ACTUATOR:
      tm->src = SRC_QFRC_ACT;
      return gather_joints(r, tm, 0, 0, "qfrc_actuator", labels);
    case K_QFRC_CONSTRAINT:
      tm->src = SRC_QFRC_CON;
      return gather_joints(r, tm, 0, 0, "qfrc_constraint", labels);
    case K_CINERT: tm->src = SRC_CINERT; return gather_bodies(r, tm, 10, NULL, labels);
    case K_CVEL: tm->src = SRC_CVEL; return gather_bodies(r, tm, 6, NULL, labels);
    case K_CFRC_EXT:
      tm->src = SRC_CFRC_EXT;
      t->rne_post = 1;
      return gather_bodies(r, tm, 6, NULL, labels);
    case K_SENSOR: {
      int s = find(r, tm, mjOBJ_SENSOR, nm, "sensor");
      if (s < 0) return -1;
      tm->src = SRC_SENSOR;
      tm->n = m->sensor_dim[s];
      tm->idx = xcalloc((size_t)tm->n, sizeof(int));
      *labels = xcalloc((size_t)tm->n, sizeof(char *));
      for (int k = 0; k < tm->n; k++) {
        tm->idx[k] = m->sensor_adr[s] + k;
        (*labels)[k] = tm->n == 1 ? label("sensor %s", nm) : label("sensor %s[%d]", nm, k);
      }
      return 0;
    }
    case K_BODY_POS:
    case K_SITE_POS: {
      int site = tm->def->kind == K_SITE_POS;
      int type = site ? mjOBJ_SITE : mjOBJ_BODY;
      const char *what = site ? "site" : "body";
      if ((tm->a = find(r, tm, type, nm, what)) < 0) return -1;
      if (tm->ref && (tm->b = find(r, tm, type, tm->ref, what)) < 0) return -1;
      tm->n = 3;
      *labels = xcalloc(3, sizeof(char *));
      for (int k = 0; k < 3; k++)
        (*labels)[k] = tm->ref ? label("%s %s - %s %s (m)", tm->def->name, nm, tm->ref, AXES[k])
                               : label("%s %s %s (m)", tm->def->name, nm, AXES[k]);
      return 0;
    }
    case K_BODY_LINVEL:
    case K_BODY_ANGVEL: {
      if ((tm->a = find(r, tm, mjOBJ_BODY, nm, "body")) < 0) return -1;
      tm->n = 3;
      *labels = xcalloc(3, sizeof(char *));
      for (int k = 0; k < 3; k++)
        (*labels)[k] = label("%s %s %s (%s)", tm->def->name, nm, AXES[k],
                             tm->def->kind == K_BODY_LINVEL ? "m/s" : "rad/s");
      return 0;
    }
    default: return rerr(r, tm, "not an observation term");
  }
}

/* a body (of: body / subtree) or site id for reward terms */
static int find_of(R *r, const Term *tm, const char *name) {
  return tm->of == OF_SITE ? find(r, tm, mjOBJ_SITE, name, "site")
                           : find(r, tm, mjOBJ_BODY, name, "body");
}

/* a 1-dof joint (slide or hinge) */
static int one_dof_joint(R *r, const Term *tm, const char *name) {
  int j = find(r, tm, mjOBJ_JOINT, name, "joint");
  if (j < 0) return -1;
  int type = r->m->jnt_type[j];
  if (type != mjJNT_SLIDE && type != mjJNT_HINGE)
    return rerr(r, tm, "joint '%s' is a %s joint; %s takes slide or hinge joints", name,
                JOINT_TYPE[type], tm->def->name);
  return j;
}

static int resolve_reward(R *r, Task *t, Term *tm) {
  const char *nm = tm->names ? tm->names[0] : NULL;
  switch (tm->def->kind) {
    case K_FORWARD_VELOCITY:
      if (tm->of == OF_JOINT) {
        int j = find(r, tm, mjOBJ_JOINT, nm, "joint");
        if (j < 0) return -1;
        if (r->m->jnt_type[j] != mjJNT_SLIDE)
          return rerr(r, tm, "joint '%s' is a %s joint; forward_velocity of: joint takes slide "
                      "joints", nm, JOINT_TYPE[r->m->jnt_type[j]]);
        tm->a = r->m->jnt_qposadr[j];
      } else if ((tm->a = find_of(r, tm, nm)) < 0) {
        return -1;
      } else if (tm->of == OF_MASS_CENTER) {
        /* the subtree's bodies in body order, and its mass summed as np.sum(body_mass) */
        const mjModel *m = r->m;
        tm->idx = xcalloc((size_t)m->nbody, sizeof(int));
        double *mass = xcalloc((size_t)m->nbody, sizeof(double));
        for (int b = 0; b < m->nbody; b++) {
          int up = b;
          while (up > 0 && up != tm->a) up = m->body_parentid[up];
          if (up == tm->a) {
            mass[tm->n] = m->body_mass[b];
            tm->idx[tm->n++] = b;
          }
        }
        tm->mass = np_sum(NULL, mass, tm->n, 0);
        free(mass);
        if (!(tm->mass > 0))
          return rerr(r, tm, "the subtree of body '%s' has no mass; mass_center needs some",
                      nm);
      }
      tm->slot = (int)t->scratch++;
      return 0;
    case K_DISTANCE:
    case K_POSITION_COST:
      if ((tm->a = find_of(r, tm, nm)) < 0) return -1;
      if (tm->ref && (tm->b = find_of(r, tm, tm->ref)) < 0) return -1;
      return 0;
    case K_QVEL_COST:
      if (gather_joints(r, tm, 0, 0, "qvel", NULL) != 0) return -1;
      if (tm->entry_w && tm->n_entry_w != tm->n)
        return rerr(r, tm, "weights has %d entries for %d qvel entries", tm->n_entry_w,
                    tm->n);
      return 0;
    case K_CONTACT_COST: t->rne_post = 1; return 0;
    default: return 0;
  }
}

/* `index: k`: keep only entry k of the one joint (a free joint's z is qpos index 2) */
static int pick_index(R *r, Term *tm) {
  if (tm->index < 0) return 0;
  if (tm->index >= tm->n)
    return rerr(r, tm, "index %d is past the joint's %d entries", tm->index, tm->n);
  tm->idx[0] = tm->idx[tm->index];
  tm->n = 1;
  return 0;
}

static int resolve_cond(R *r, Term *tm) {
  const char *nm = tm->names ? tm->names[0] : NULL;
  switch (tm->def->kind) {
    case K_C_QPOS: return gather_joints(r, tm, 1, 0, "qpos", NULL) || pick_index(r, tm) ? -1 : 0;
    case K_C_QVEL: return gather_joints(r, tm, 0, 0, "qvel", NULL) || pick_index(r, tm) ? -1 : 0;
    case K_C_BODY_HEIGHT: return (tm->a = find(r, tm, mjOBJ_BODY, nm, "body")) < 0 ? -1 : 0;
    case K_C_SITE_HEIGHT: return (tm->a = find(r, tm, mjOBJ_SITE, nm, "site")) < 0 ? -1 : 0;
    default: return 0;
  }
}

static int resolve_reset(R *r, Term *tm) {
  switch (tm->def->kind) {
    case K_QPOS_NOISE: return gather_joints(r, tm, 1, 0, "qpos", NULL);
    case K_QVEL_NOISE:
    case K_QVEL_ZERO: return gather_joints(r, tm, 0, 0, "qvel", NULL);
    case K_GOAL:
      tm->n = tm->n_names;
      tm->idx = xcalloc((size_t)tm->n, sizeof(int));
      for (int i = 0; i < tm->n; i++) {
        int j = one_dof_joint(r, tm, tm->names[i]);
        if (j < 0) return -1;
        tm->idx[i] = r->m->jnt_qposadr[j];
      }
      return 0;
    default: return 0;
  }
}

static int resolve_action(R *r, Task *t) {
  const mjModel *m = r->m;
  Term where = {.line = t->act_line};
  snprintf(where.where, sizeof where.where, "action.actuators");
  t->act_dim = t->act_all ? m->nu : t->n_act_names;
  if (t->act_dim < 1) return rerr(r, &where, "model %s has no actuators", r->mjcf);
  t->act_id = xcalloc((size_t)t->act_dim, sizeof(int));
  t->act_low = xcalloc((size_t)t->act_dim, sizeof(float));
  t->act_high = xcalloc((size_t)t->act_dim, sizeof(float));
  t->act_labels = xcalloc((size_t)t->act_dim, sizeof(char *));
  for (int k = 0; k < t->act_dim; k++) {
    int a = k;
    if (!t->act_all) {
      /* an actuator name, or the joint an (often unnamed) actuator drives */
      const char *nm = t->act_names[k];
      a = mj_name2id(m, mjOBJ_ACTUATOR, nm);
      if (a < 0) {
        int j = mj_name2id(m, mjOBJ_JOINT, nm);
        for (int i = 0; j >= 0 && i < m->nu; i++)
          if (m->actuator_trntype[i] == mjTRN_JOINT && m->actuator_trnid[2 * i] == j) a = i;
      }
      if (a < 0)
        return rerr(r, &where, "model %s has no actuator named '%s' nor one driving a joint "
                    "of that name", r->mjcf, nm);
      for (int i = 0; i < k; i++)
        if (t->act_id[i] == a) return rerr(r, &where, "actuator '%s' is listed twice", nm);
    }
    t->act_id[k] = a;
    const char *an = mj_id2name(m, mjOBJ_ACTUATOR, a);
    char who[200];
    if (an)
      snprintf(who, sizeof who, "%s", an);
    else if (m->actuator_trntype[a] == mjTRN_JOINT)
      snprintf(who, sizeof who, "on joint %s", jname(m, m->actuator_trnid[2 * a]));
    else
      snprintf(who, sizeof who, "actuator %d", a);
    t->act_labels[k] = label("%s (gear %g)", who, m->actuator_gear[6 * a]);
    if (!m->actuator_ctrllimited[a])
      return rerr(r, &where, "model %s: actuator '%s' needs ctrllimited=\"true\" and a "
                  "ctrlrange (its bounds are the action bounds)", r->mjcf, t->act_labels[k]);
    t->act_low[k] = (float)m->actuator_ctrlrange[2 * a];
    t->act_high[k] = (float)m->actuator_ctrlrange[2 * a + 1];
    /* MuJoCo accepts nan and inf here; the bounds scale the actor and go into checkpoints */
    if (!(isfinite(t->act_low[k]) && isfinite(t->act_high[k]) && t->act_low[k] < t->act_high[k]))
      return rerr(r, &where, "model %s: actuator '%s' has ctrlrange [%g, %g]; it must be "
                  "finite (as float) with low < high", r->mjcf, t->act_labels[k],
                  m->actuator_ctrlrange[2 * a], m->actuator_ctrlrange[2 * a + 1]);
  }
  return 0;
}

/* the randomize section's names to ids, its per-term sigmas to per-entry ones */
static int resolve_randomize(R *r, Task *t) {
  const mjModel *m = r->m;
  Randomization *rz = &t->rand;
  static const int OBJ[RAND_N_PARAMS] = {mjOBJ_BODY, mjOBJ_GEOM, mjOBJ_JOINT, mjOBJ_JOINT,
                                         mjOBJ_ACTUATOR, mjOBJ_BODY};
  static const char *const WHAT[RAND_N_PARAMS] = {"body", "geom", "joint", "joint", "actuator",
                                                  "body"};
  for (int k = 0; k < RAND_N_PARAMS; k++) {
    if (!t->rnd[k].on) continue;
    randomize_set_all(rz, (RandKind)k, t->rnd[k].lo, t->rnd[k].hi, m);
    if (t->rnd[k].all) continue;
    Term where = {.line = t->rnd[k].line};
    snprintf(where.where, sizeof where.where, "randomize.%s", RAND_KEYS[k]);
    RandParam *p = &rz->p[k];
    p->n = 0;
    free(p->ids);
    p->ids = xcalloc(6 * (size_t)t->rnd[k].n_names + 1, sizeof(int)); /* <= 6 dofs a joint */
    for (int i = 0; i < t->rnd[k].n_names; i++) {
      int id = find(r, &where, OBJ[k], t->rnd[k].names[i], WHAT[k]);
      if (id < 0) return -1;
      if ((k == RAND_MASS || k == RAND_COM) && id == 0)
        return rerr(r, &where, "the world body has no mass to randomize");
      if (k == RAND_DAMPING || k == RAND_ARMATURE) /* every dof of the joint */
        for (int d = 0; d < dof_width(m->jnt_type[id]); d++) p->ids[p->n++] = m->jnt_dofadr[id] + d;
      else
        p->ids[p->n++] = id;
    }
  }
  if (t->n_rnd_sigma > 0) {
    rz->obs_dim = t->obs_dim;
    rz->obs_sigma = xcalloc((size_t)t->obs_dim, sizeof(double));
    int o = 0, any = 0;
    for (int i = 0; i < t->n_obs; i++)
      for (int k = 0; k < t->obs[i].n; k++, o++) {
        rz->obs_sigma[o] = t->rnd_sigma[t->n_rnd_sigma == 1 ? 0 : i];
        any |= rz->obs_sigma[o] > 0;
      }
    if (!any) { /* every sigma 0: no noise */
      free(rz->obs_sigma);
      rz->obs_sigma = NULL;
    }
  }
  return 0;
}

int task_resolve(Task *t, const void *vm, const char *mjcf, char *err) {
  const mjModel *m = vm;
  R r = {m, mjcf, err, t};
  t->dt = m->opt.timestep * t->frame_skip;
  char ***labels = xcalloc((size_t)t->n_obs, sizeof(char **));
  int rc = 0;
  t->obs_dim = 0;
  for (int i = 0; i < t->n_obs && rc == 0; i++) {
    rc = resolve_obs(&r, t, &t->obs[i], &labels[i]);
    if (rc == 0) t->obs_dim += t->obs[i].n;
    if (rc == 0 && t->obs_dim > TASK_MAX_DIM)
      rc = rerr(&r, &t->obs[i], "the observation exceeds %d entries", TASK_MAX_DIM);
  }
  if (rc == 0) {
    t->obs_labels = xcalloc((size_t)t->obs_dim, sizeof(char *));
    int o = 0;
    for (int i = 0; i < t->n_obs; i++)
      for (int k = 0; k < t->obs[i].n; k++) t->obs_labels[o++] = labels[i][k];
  }
  for (int i = 0; i < t->n_obs; i++) {
    if (rc != 0 && labels[i])
      for (int k = 0; k < t->obs[i].n; k++) free(labels[i][k]);
    free(labels[i]);
  }
  free(labels);
  if (rc != 0) return -1;
  if (resolve_action(&r, t) != 0) return -1;
  for (int i = 0; i < t->n_rew; i++)
    if (resolve_reward(&r, t, &t->rew[i]) != 0) return -1;
  for (int i = 0; i < t->n_cond; i++)
    if (resolve_cond(&r, &t->cond[i]) != 0) return -1;
  for (int i = 0; i < t->n_rst; i++)
    if (resolve_reset(&r, &t->rst[i]) != 0) return -1;
  t->track_body = m->nbody > 1 ? 1 : 0; /* default: the first body after the world */
  if (t->track_name) {
    Term where = {.line = t->track_line};
    snprintf(where.where, sizeof where.where, "track_body");
    if ((t->track_body = find(&r, &where, mjOBJ_BODY, t->track_name, "body")) < 0) return -1;
  }
  if (resolve_randomize(&r, t) != 0) return -1;
  t->resolved = 1;
  return 0;
}

static void free_strs(char **s, int n) {
  if (!s) return;
  for (int i = 0; i < n; i++) free(s[i]);
  free(s);
}

static void free_terms(Term *ts, int n) {
  for (int i = 0; ts && i < n; i++) {
    free_strs(ts[i].names, ts[i].n_names);
    free_strs(ts[i].exclude, ts[i].n_exclude);
    free(ts[i].ref);
    free(ts[i].idx);
    free(ts[i].entry_w);
  }
  free(ts);
}

void task_free(Task *t) {
  if (!t) return;
  free(t->file);
  free(t->model);
  free(t->description);
  free(t->track_name);
  free_strs(t->act_names, t->n_act_names);
  free(t->act_id);
  free(t->act_low);
  free(t->act_high);
  free_strs(t->act_labels, t->act_labels ? t->act_dim : 0);
  free_strs(t->obs_labels, t->obs_labels ? t->obs_dim : 0);
  free_terms(t->obs, t->n_obs);
  free_terms(t->rew, t->n_rew);
  free_terms(t->cond, t->n_cond);
  free_terms(t->rst, t->n_rst);
  for (int k = 0; k < RAND_N_PARAMS; k++) free_strs(t->rnd[k].names, t->rnd[k].n_names);
  free(t->rnd_sigma);
  randomize_free(&t->rand);
  free(t);
}

int task_reads_before(const Task *t) {
  int need = 0;
  for (int i = 0; t && i < t->n_rew; i++) {
    const Term *tm = &t->rew[i];
    Kind k = tm->def->kind;
    if (k == K_FORWARD_VELOCITY && tm->of == OF_SUBTREE) need |= TASK_READS_SUBTREE_COM;
    if (k == K_FORWARD_VELOCITY && tm->of == OF_MASS_CENTER) need |= TASK_READS_XIPOS;
    if (tm->before && (k == K_DISTANCE || k == K_POSITION_COST) && tm->of == OF_SITE)
      need |= TASK_READS_SITE_XPOS;
  }
  return need;
}

int task_obs_dim(const Task *t) { return t->obs_dim; }
const struct Randomization *task_randomization(const Task *t) { return &t->rand; }
int task_act_dim(const Task *t) { return t->act_dim; }
int task_frame_skip(const Task *t) { return t->frame_skip; }
int task_time_limit(const Task *t) { return t->time_limit; }
int task_track_body(const Task *t) { return t->track_body; }
int task_n_rewards(const Task *t) { return t->n_rew; }
int task_needs_rne_post(const Task *t) { return t->rne_post; }
size_t task_scratch_size(const Task *t) { return t->scratch; }
void task_action_bounds(const Task *t, float *low, float *high) {
  memcpy(low, t->act_low, (size_t)t->act_dim * sizeof(float));
  memcpy(high, t->act_high, (size_t)t->act_dim * sizeof(float));
}
const char *task_obs_label(const Task *t, int i) { return t->obs_labels[i]; }
const char *task_reward_label(const Task *t, int k) { return t->rew[k].def->name; }
const char *task_act_label(const Task *t, int k) { return t->act_labels[k]; }
const char *task_description(const Task *t) { return t->description; }

/* ------------------------------------------------------------------------------------ */
/* the step                                                                               */

static const mjtNum *source(const mjData *d, Src s) {
  switch (s) {
    case SRC_QPOS: return d->qpos;
    case SRC_QVEL: return d->qvel;
    case SRC_SENSOR: return d->sensordata;
    case SRC_CINERT: return d->cinert;
    case SRC_CVEL: return d->cvel;
    case SRC_QFRC_ACT: return d->qfrc_actuator;
    case SRC_QFRC_CON: return d->qfrc_constraint;
    case SRC_CFRC_EXT: return d->cfrc_ext;
  }
  return NULL;
}

static double clip(const Term *tm, double v) {
  if (!tm->has_clip) return v;
  return v < tm->clip_lo ? tm->clip_lo : v > tm->clip_hi ? tm->clip_hi : v;
}

void task_observe(const Task *t, const void *vm, const void *vd, float *obs) {
  const mjModel *m = vm;
  const mjData *d = vd;
  int o = 0;
  for (int i = 0; i < t->n_obs; i++) {
    const Term *tm = &t->obs[i];
    switch (tm->def->kind) {
      case K_COS:
        for (int k = 0; k < tm->n; k++) obs[o++] = (float)clip(tm, cos(d->qpos[tm->idx[k]]));
        break;
      case K_SIN:
        for (int k = 0; k < tm->n; k++) obs[o++] = (float)clip(tm, sin(d->qpos[tm->idx[k]]));
        break;
      case K_BODY_POS:
      case K_SITE_POS: {
        const mjtNum *x = tm->def->kind == K_SITE_POS ? d->site_xpos : d->xpos;
        const mjtNum *p = x + 3 * tm->a;
        for (int k = 0; k < 3; k++)
          obs[o++] = (float)clip(tm, tm->b >= 0 ? p[k] - x[3 * tm->b + k] : p[k]);
        break;
      }
      case K_BODY_LINVEL:
      case K_BODY_ANGVEL: {
        /* mj_objectVelocity: [angular, linear] at the body frame, world orientation */
        mjtNum v[6];
        mj_objectVelocity(m, d, mjOBJ_BODY, tm->a, v, 0);
        int off = tm->def->kind == K_BODY_LINVEL ? 3 : 0;
        for (int k = 0; k < 3; k++) obs[o++] = (float)clip(tm, v[off + k]);
        break;
      }
      default: {
        const mjtNum *src = source(d, tm->src);
        for (int k = 0; k < tm->n; k++) obs[o++] = (float)clip(tm, src[tm->idx[k]]);
        break;
      }
    }
  }
}

/* the position a forward_velocity term differentiates */
static double fv_position(const Term *tm, const mjModel *m, const mjData *d) {
  switch (tm->of) {
    case OF_JOINT: return d->qpos[tm->a];
    case OF_SUBTREE: return d->subtree_com[3 * tm->a + tm->axis];
    case OF_MASS_CENTER: {
      /* np.sum(mass * xipos, axis=0) / np.sum(mass): rows added one by one in body order */
      double s = 0.0;
      for (int k = 0; k < tm->n; k++)
        s += m->body_mass[tm->idx[k]] * d->xipos[3 * tm->idx[k] + tm->axis];
      return s / tm->mass;
    }
    default: return d->xpos[3 * tm->a + tm->axis];
  }
}

/* the value (before its weight) of a state term read from d */
static double state_value(const Term *tm, const mjData *d) {
  switch (tm->def->kind) {
    case K_DISTANCE: {
      const mjtNum *x = tm->of == OF_SITE ? d->site_xpos : d->xpos;
      const mjtNum *a = x + 3 * tm->a, *b = x + 3 * tm->b;
      double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
      return -sqrt(dx * dx + dy * dy + dz * dz);
    }
    case K_POSITION_COST: {
      const mjtNum *p = (tm->of == OF_SITE ? d->site_xpos : d->xpos) + 3 * tm->a;
      double s = 0.0;
      /* w (p - t)^2 as Gymnasium writes 0.01 * x**2 + (y - 2)**2: the square first */
      for (int k = 0; k < 3; k++)
        s += tm->axis_w[k] * ((p[k] - tm->target[k]) * (p[k] - tm->target[k]));
      return -s;
    }
    case K_QVEL_COST: {
      double s = 0.0;
      for (int k = 0; k < tm->n; k++) {
        double v = d->qvel[tm->idx[k]];
        s += tm->entry_w ? tm->entry_w[k] * (v * v) : v * v;
      }
      return -s;
    }
    default: return 0.0;
  }
}

static int is_state_term(Kind k) {
  return k == K_DISTANCE || k == K_POSITION_COST || k == K_QVEL_COST;
}

void task_before_step(const Task *t, const void *vm, const void *vd, const float *action,
                      double *scratch, double *terms) {
  (void)action;
  const mjModel *m = vm;
  const mjData *d = vd;
  for (int i = 0; i < t->n_rew; i++) {
    const Term *tm = &t->rew[i];
    if (tm->def->kind == K_FORWARD_VELOCITY)
      scratch[tm->slot] = fv_position(tm, m, d);
    else if (tm->before && is_state_term(tm->def->kind))
      terms[i] = tm->weight * state_value(tm, d);
  }
}

void task_apply_action(const Task *t, void *vd, const float *action) {
  mjData *d = vd;
  for (int k = 0; k < t->act_dim; k++) d->ctrl[t->act_id[k]] = (mjtNum)action[k];
}

static int in_range(const Term *tm, double v) {
  return tm->inclusive ? (v >= tm->lo && v <= tm->hi) : (v > tm->lo && v < tm->hi);
}

int task_healthy(const Task *t, const void *vm, const void *vd) {
  const mjModel *m = vm;
  const mjData *d = vd;
  for (int i = 0; i < t->n_cond; i++) {
    const Term *tm = &t->cond[i];
    switch (tm->def->kind) {
      case K_C_QPOS:
        for (int k = 0; k < tm->n; k++)
          if (!in_range(tm, d->qpos[tm->idx[k]])) return 0;
        break;
      case K_C_QVEL:
        for (int k = 0; k < tm->n; k++)
          if (!in_range(tm, d->qvel[tm->idx[k]])) return 0;
        break;
      case K_C_BODY_HEIGHT:
        if (!in_range(tm, d->xpos[3 * tm->a + 2])) return 0;
        break;
      case K_C_SITE_HEIGHT:
        if (!in_range(tm, d->site_xpos[3 * tm->a + 2])) return 0;
        break;
      case K_C_FINITE:
        for (int k = 0; k < m->nq; k++)
          if (!isfinite(d->qpos[k])) return 0;
        for (int k = 0; k < m->nv; k++)
          if (!isfinite(d->qvel[k])) return 0;
        break;
      default: break;
    }
  }
  return 1;
}

double task_after_step(const Task *t, const void *vm, const void *vd, const float *action,
                       const double *scratch, double *terms, int *terminated) {
  const mjModel *m = vm;
  const mjData *d = vd;
  int healthy = t->n_cond ? task_healthy(t, m, d) : 1;
  *terminated = t->terminate && !healthy;
  for (int i = 0; i < t->n_rew; i++) {
    const Term *tm = &t->rew[i];
    switch (tm->def->kind) {
      case K_FORWARD_VELOCITY:
        terms[i] = tm->weight * ((fv_position(tm, m, d) - scratch[tm->slot]) / t->dt);
        break;
      case K_HEALTHY:
        /* v4: float(is_healthy or terminate_when_unhealthy) * w, i.e. also paid on the step
         * that terminates; on_terminating_step: false pays only while healthy (v5) */
        terms[i] = tm->weight * ((healthy || (*terminated && tm->on_term)) ? 1.0 : 0.0);
        break;
      case K_CONTROL_COST: {
        /* Σa² of the action as passed, summed as np.sum(np.square(a)) */
        terms[i] = tm->weight * -np_sum(action, NULL, t->act_dim, 1);
        break;
      }
      case K_CONTACT_COST: {
        double s = 0.0;
        for (int k = 0; k < 6 * m->nbody; k++) {
          double f = clip(tm, d->cfrc_ext[k]);
          s += f * f;
        }
        terms[i] = tm->weight * -s;
        break;
      }
      default:
        if (!tm->before) terms[i] = tm->weight * state_value(tm, d);
        break;
    }
  }
  double r = terms[0];
  for (int i = 1; i < t->n_rew; i++) r += terms[i];
  return r;
}

void task_reset(const Task *t, const void *vm, void *vd, Rng *rng) {
  const mjModel *m = vm;
  mjData *d = vd;
  for (int i = 0; i < t->n_rst; i++) {
    const Term *tm = &t->rst[i];
    switch (tm->def->kind) {
      case K_QPOS_NOISE:
        for (int k = 0; k < tm->n; k++) {
          int j = tm->idx[k];
          d->qpos[j] = m->qpos0[j] + (tm->normal ? tm->scale * rng_normal(rng)
                                                 : rng_range(rng, -tm->scale, tm->scale));
        }
        break;
      case K_QVEL_NOISE:
        for (int k = 0; k < tm->n; k++)
          d->qvel[tm->idx[k]] = tm->normal ? tm->scale * rng_normal(rng)
                                           : rng_range(rng, -tm->scale, tm->scale);
        break;
      case K_QVEL_ZERO:
        for (int k = 0; k < tm->n; k++) d->qvel[tm->idx[k]] = 0.0;
        break;
      case K_GOAL: {
        /* uniform in the box, redrawn until min_norm < |g| < max_norm (a disc of radius R:
         * the box [-R, R]^2 and |g| < R) */
        double g[3], norm;
        long tries = 0;
        do {
          double s = 0.0;
          for (int k = 0; k < tm->n; k++) {
            g[k] = rng_range(rng, tm->box_lo[k], tm->box_hi[k]);
            s += g[k] * g[k];
          }
          norm = sqrt(s);
          /* a region the loader accepted is hit within a few draws; the cap only bounds a
           * pathological one (a sliver near the corner), which then takes the last draw */
        } while (!(norm < tm->max_norm && norm > tm->min_norm) && ++tries < TASK_MAX_DRAWS);
        for (int k = 0; k < tm->n; k++) d->qpos[tm->idx[k]] = g[k];
        break;
      }
      default: break;
    }
  }
}

/* ------------------------------------------------------------------------------------ */
/* description                                                                            */

static void describe_names(const Term *tm, FILE *f) {
  if (tm->all) {
    fprintf(f, "all");
    for (int e = 0; e < tm->n_exclude; e++) fprintf(f, "%s%s", e ? ", " : " but ", tm->exclude[e]);
  }
  for (int i = 0; i < tm->n_names; i++) fprintf(f, "%s%s", i ? ", " : "", tm->names[i]);
}

static void describe_range(const Term *tm, FILE *f) {
  fprintf(f, "%s%g, %g%s", tm->inclusive ? "[" : "(", tm->lo, tm->hi, tm->inclusive ? "]" : ")");
}

void task_describe(const Task *t, const void *vm, FILE *f) {
  const mjModel *m = vm;
  if (t->description) fprintf(f, "description: %s\n", t->description);
  fprintf(f, "dt: %.10g s (timestep %.10g s x frame_skip %d)\n", t->dt, m->opt.timestep,
          t->frame_skip);
  fprintf(f, "time limit: %d steps (%.10g s)\n", t->time_limit, t->time_limit * t->dt);
  const char *tb = mj_id2name(m, mjOBJ_BODY, t->track_body);
  fprintf(f, "track body: %s\n", tb ? tb : "(unnamed)");
  fprintf(f, "observation: %d entries\n", t->obs_dim);
  int o = 0;
  for (int i = 0; i < t->n_obs; i++) {
    const Term *tm = &t->obs[i];
    for (int k = 0; k < tm->n; k++, o++) {
      fprintf(f, "  %4d  %s", o, t->obs_labels[o]);
      if (tm->has_clip) fprintf(f, "  clipped to [%g, %g]", tm->clip_lo, tm->clip_hi);
      fputc('\n', f);
    }
  }
  fprintf(f, "action: %d entries (ctrl = action, unclipped; MuJoCo clamps to ctrlrange)\n",
          t->act_dim);
  for (int k = 0; k < t->act_dim; k++)
    fprintf(f, "  %4d  %s  [%g, %g]\n", k, t->act_labels[k], t->act_low[k], t->act_high[k]);
  fprintf(f, "reward: sum of\n");
  for (int i = 0; i < t->n_rew; i++) {
    const Term *tm = &t->rew[i];
    fprintf(f, "  %g x %s", tm->weight, tm->def->name);
    if (tm->names || tm->all) {
      fputc(' ', f);
      describe_names(tm, f);
    }
    if (tm->ref) fprintf(f, " to %s", tm->ref);
    for (int k = 0; k < tm->n_entry_w; k++)
      fprintf(f, "%s%g%s", k ? ", " : " (weights ", tm->entry_w[k],
              k + 1 < tm->n_entry_w ? "" : ")");
    if (tm->def->kind == K_FORWARD_VELOCITY)
      fprintf(f, " (%s%s%s)", tm->of == OF_JOINT ? "joint qpos" : tm->of == OF_SUBTREE
                                                      ? "subtree COM "
                              : tm->of == OF_MASS_CENTER ? "mass centre (xipos) "
                                                         : "body xpos ",
              tm->of == OF_JOINT ? "" : AXES[tm->axis], "");
    if (tm->def->kind == K_HEALTHY)
      fprintf(f, " (%s on the terminating step)", tm->on_term ? "paid" : "not paid");
    if (is_state_term(tm->def->kind))
      fprintf(f, " (read %s the step)", tm->before ? "before" : "after");
    fprintf(f, ": %s\n", tm->def->help);
  }
  if (t->n_cond == 0) {
    fprintf(f, "termination: none (episodes end at the time limit)\n");
  } else {
    fprintf(f, "termination: %s when any condition fails; healthy while all hold:\n",
            t->terminate ? "terminated" : "never (conditions only decide the healthy bonus)");
    for (int i = 0; i < t->n_cond; i++) {
      const Term *tm = &t->cond[i];
      fprintf(f, "  %s ", tm->def->name);
      describe_names(tm, f);
      if (tm->index >= 0) fprintf(f, " entry %d", tm->index);
      if (tm->def->kind != K_C_FINITE) {
        fprintf(f, " in ");
        describe_range(tm, f);
      }
      fputc('\n', f);
    }
  }
  fprintf(f, "reset: qpos = qpos0, qvel = 0, then%s\n", t->n_rst ? "" : " nothing");
  for (int i = 0; i < t->n_rst; i++) {
    const Term *tm = &t->rst[i];
    fprintf(f, "  %s ", tm->def->name);
    describe_names(tm, f);
    if (tm->def->kind == K_QPOS_NOISE || tm->def->kind == K_QVEL_NOISE)
      fprintf(f, tm->normal ? ": %g N(0, 1)" : ": U(-%g, %g)", tm->scale, tm->scale);
    if (tm->def->kind == K_GOAL) {
      fprintf(f, ": uniform in");
      for (int k = 0; k < tm->box_n; k++) fprintf(f, " [%g, %g]", tm->box_lo[k], tm->box_hi[k]);
      if (tm->min_norm >= 0) fprintf(f, ", |g| > %g", tm->min_norm);
      if (isfinite(tm->max_norm)) fprintf(f, ", |g| < %g", tm->max_norm);
    }
    fputc('\n', f);
  }
  if (randomize_active(&t->rand)) randomize_describe(&t->rand, vm, f);
}
