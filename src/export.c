/* export: a checkpoint's actor as a dependency-free C header; see export.h and docs/export.md.
 *
 * The file has three parts. ExportNet is the network in the header's layout, with
 * export_net_act running the header's loops; every loop the generator writes into the header
 * has its twin here, in the same order, so the two agree bit for bit (the tests compile a
 * header and check it). export_header_text writes the header. export_checkpoint ties them
 * together: load, check the float reference against the checkpoint, measure int8 on
 * evaluation rollouts, write atomically. */
#include "export.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "util.h"
#include "version.h"

/* ------------------------------------------------------------------------------------ */
/* names                                                                                  */

int export_name_check(const char *name, char *err) {
  size_t n = strlen(name);
  if (n == 0) return err_set(err, "--name is empty; give a C identifier such as reacher_actor");
  if (n > EXPORT_NAME_MAX)
    return err_set(err, "--name '%.60s' is longer than %d characters", name, EXPORT_NAME_MAX);
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
             (i > 0 && c >= '0' && c <= '9');
    if (ok) continue;
    int printable = 1; /* keep the message on one line */
    for (size_t k = 0; k < n; k++) printable &= name[k] >= 0x20 && name[k] < 0x7f;
    return err_set(err, "--name '%s' is not a C identifier at character %zu (use letters, "
                   "digits and '_', not starting with a digit)", printable ? name : "?", i + 1);
  }
  if (name[0] == '_' || strstr(name, "__"))
    return err_set(err, "--name '%s' starts with '_' or contains \"__\" (reserved in C and "
                   "C++); pick another", name);
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* the network in the header's layout                                                     */

static int max_width(const ExportNet *n) {
  int w = 0;
  for (int l = 0; l <= n->n_layers; l++) w = n->sizes[l] > w ? n->sizes[l] : w;
  return w;
}

/* row o of W (out x in) as int8 with one scale, each entry first divided by its column's
 * scale eq[i] (NULL: 1): q = round((w / eq) · 127 / max|w / eq|), w ≈ scale · q · eq */
static float quantize_row(const float *w, int I, const float *eq, int8_t *q, size_t stride) {
  float m = 0.0f;
  for (int i = 0; i < I; i++) {
    float v = fabsf(eq ? w[i] / eq[i] : w[i]);
    m = v > m ? v : m;
  }
  if (m == 0.0f) {
    for (int i = 0; i < I; i++) q[(size_t)i * stride] = 0;
    return 0.0f;
  }
  float inv = 127.0f / m;
  for (int i = 0; i < I; i++) {
    long v = lrintf((eq ? w[i] / eq[i] : w[i]) * inv);
    q[(size_t)i * stride] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
  }
  return m / 127.0f;
}

void export_net_init(ExportNet *n, const Agent *ag, ExportKind kind) {
  const Mlp *m = &ag->actor;
  DDPG_CHECK(m->aux_dim == 0); /* an actor reads the observation only */
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->n_layers = m->n_layers;
  memcpy(n->sizes, m->sizes, sizeof n->sizes);
  memcpy(n->act, m->act, sizeof n->act);
  size_t A = (size_t)ag->cfg.act_dim;
  n->act_center = xcalloc(2 * A, sizeof(float));
  n->act_scale = n->act_center + A;
  memcpy(n->act_center, ag->act_center, A * sizeof(float));
  memcpy(n->act_scale, ag->act_scale, A * sizeof(float));
  size_t nw = 0, nb = 0, nn = 0;
  for (int l = 0; l < n->n_layers; l++) {
    n->w_off[l] = nw;
    n->b_off[l] = nb;
    nw += (size_t)n->sizes[l] * (size_t)n->sizes[l + 1];
    nb += (size_t)n->sizes[l + 1];
    n->has_bias[l] = m->has_bias[l];
    /* int8 keeps the output layer float: its few weights (act_dim rows) decide the
     * actions directly, and quantizing them costs return (measured with build/quant_layers:
     * docs/export.md) */
    n->float_layer[l] = kind != EXPORT_FLOAT && l == n->n_layers - 1 && n->n_layers > 1;
    /* integer sums need non-negative (ReLU) inputs quantized on [0, 255] */
    n->int_layer[l] = kind == EXPORT_INT8 && l > 0 && n->act[l - 1] == ACT_RELU &&
                      !n->float_layer[l];
    DDPG_CHECK(!n->int_layer[l] || (double)n->sizes[l] * 127.0 * 255.0 < 2147483647.0);
  }
  for (int u = 0; u <= n->n_layers; u++) {
    n->norm_off[u] = nn;
    n->bn[u] = m->norm[u].dim > 0;
    DDPG_CHECK(!n->bn[u] || m->norm[u].dim == n->sizes[u]);
    if (n->bn[u]) nn += 4 * (size_t)n->sizes[u];
  }
  n->w = xcalloc(nw, sizeof(float));
  if (kind != EXPORT_FLOAT) {
    n->q = xcalloc(nw, 1);
    n->scale = xcalloc(nb, sizeof(float));
    /* layer 0 reads the raw observation, whose entries have different units (angles next to
     * velocities): one scale per row would quantize the weights of small-range inputs to a
     * few levels (what that costs: docs/export.md). Each input column is divided by its
     * largest |w| first, and the header multiplies the observation by it. */
    int I = n->sizes[0], O = n->sizes[1];
    n->eq = xmalloc(sizeof(float) * (size_t)I);
    for (int i = 0; i < I; i++) {
      float c = 0.0f;
      for (int o = 0; o < O; o++) {
        float v = fabsf(m->params[m->w_off[0] + (size_t)o * I + i]);
        c = v > c ? v : c;
      }
      n->eq[i] = c > 0.0f ? c : 1.0f;
    }
  }
  n->b = xcalloc(nb, sizeof(float));
  n->norm = nn ? xmalloc(sizeof(float) * nn) : NULL;
  for (int l = 0; l < n->n_layers; l++) {
    int I = n->sizes[l], O = n->sizes[l + 1];
    const float *W = m->params + m->w_off[l]; /* (O x I) */
    for (int o = 0; o < O; o++) {
      const float *row = W + (size_t)o * I;
      if (kind == EXPORT_FLOAT || n->float_layer[l])
        for (int i = 0; i < I; i++) n->w[n->w_off[l] + (size_t)i * O + o] = row[i];
      else if (n->int_layer[l]) /* out x in */
        n->scale[n->b_off[l] + o] =
            quantize_row(row, I, NULL, n->q + n->w_off[l] + (size_t)o * I, 1);
      else /* in x out */
        n->scale[n->b_off[l] + o] =
            quantize_row(row, I, l == 0 ? n->eq : NULL, n->q + n->w_off[l] + o, (size_t)O);
      if (n->has_bias[l]) n->b[n->b_off[l] + o] = m->params[m->b_off[l] + o];
    }
  }
  /* istd = 1 / sqrt(var + eps) in float, as mlp_infer evaluates it: the same bits */
  for (int u = 0; u <= n->n_layers; u++) {
    if (!n->bn[u]) continue;
    const MlpNorm *s = &m->norm[u];
    int d = n->sizes[u];
    float *dst = n->norm + n->norm_off[u];
    for (int j = 0; j < d; j++) {
      dst[j] = m->params[s->mean_off + j];
      dst[d + j] = 1.0f / sqrtf(m->params[s->var_off + j] + MLP_BN_EPS);
      dst[2 * d + j] = m->params[s->gamma_off + j];
      dst[3 * d + j] = m->params[s->beta_off + j];
    }
  }
}

void export_net_free(ExportNet *n) {
  free(n->w);
  free(n->q);
  free(n->scale);
  free(n->b);
  free(n->norm);
  free(n->eq);
  free(n->act_center);
  memset(n, 0, sizeof *n);
}

size_t export_net_scratch_bytes(const ExportNet *n) {
  return (size_t)max_width(n) * (4 * sizeof(float) + sizeof(int16_t));
}

size_t export_net_weight_bytes(const ExportNet *n) {
  size_t bytes = 2 * sizeof(float) * (size_t)n->sizes[n->n_layers]; /* center, scale */
  for (int l = 0; l < n->n_layers; l++) {
    size_t I = (size_t)n->sizes[l], O = (size_t)n->sizes[l + 1];
    int fl = n->kind == EXPORT_FLOAT || n->float_layer[l];
    bytes += fl ? sizeof(float) * I * O : I * O + sizeof(float) * O;
    if (n->has_bias[l]) bytes += sizeof(float) * O;
  }
  if (n->eq) bytes += sizeof(float) * (size_t)n->sizes[0];
  for (int u = 0; u <= n->n_layers; u++)
    if (n->bn[u]) bytes += 4 * sizeof(float) * (size_t)n->sizes[u];
  return bytes;
}

static float activate(Activation a, float v) {
  if (a == ACT_RELU) return v > 0.0f ? v : 0.0f;
  if (a == ACT_TANH) return tanhf(v);
  return v;
}

/* batch norm at a site of d features (nm: mean, istd, γ, β), as mlp_infer's norm_infer */
static float normalize(const float *nm, int d, int j, float z) {
  float xh = (z - nm[j]) * nm[d + j];
  return nm[2 * d + j] * xh + nm[3 * d + j];
}

/* x (>= 0, n entries) -> xq in [0, 255] with x ≈ sx · xq, sx = max(x) / 255; returns sx.
 * Written so that no input (inf, a huge or denormal max) reaches an undefined conversion */
static float quantize_input(const float *x, int n, int16_t *xq) {
  float m = 0.0f;
  for (int i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  if (!(m > 1e-30f)) {
    for (int i = 0; i < n; i++) xq[i] = 0;
    return 0.0f;
  }
  float inv = 255.0f / m;
  for (int i = 0; i < n; i++) {
    float v = x[i] * inv;
    xq[i] = (int16_t)(v < 255.0f ? (int)(v + 0.5f) : 255);
  }
  return m / 255.0f;
}

/* the twin of the loops export_header_text writes (same operations, same order) */
void export_net_act(const ExportNet *n, const float *obs, float *act, void *scratch) {
  int w = max_width(n);
  float *ha = scratch, *hb = ha + w, *xn = hb + w, *xe = xn + w;
  int16_t *xq = (int16_t *)(xe + w);
  const float *x = obs;
  if (n->bn[0]) {
    for (int i = 0; i < n->sizes[0]; i++) xn[i] = normalize(n->norm, n->sizes[0], i, obs[i]);
    x = xn;
  }
  for (int l = 0; l < n->n_layers; l++) {
    int I = n->sizes[l], O = n->sizes[l + 1];
    float *y = l % 2 ? hb : ha;
    const float *b = n->b + n->b_off[l];
    /* the pre-activation z of layer l into y */
    if (n->kind == EXPORT_FLOAT || n->float_layer[l]) {
      /* z = b + Σ_i W[:, i] x[i], each output summed in i order as mlp_infer does */
      const float *wt = n->w + n->w_off[l]; /* (I x O) */
      for (int o = 0; o < O; o++) y[o] = n->has_bias[l] ? b[o] : 0.0f;
      for (int i = 0; i < I; i++) {
        const float xi = x[i];
        for (int o = 0; o < O; o++) y[o] += wt[(size_t)i * O + o] * xi;
      }
    } else if (!n->int_layer[l]) {
      /* z = scale ⊙ (Σ_i Q[:, i] x[i]) + b, float sums in i order */
      const int8_t *qt = n->q + n->w_off[l]; /* (I x O) */
      const float *s = n->scale + n->b_off[l];
      if (l == 0) { /* the input columns' scales: x_i eq_i */
        for (int i = 0; i < I; i++) xe[i] = x[i] * n->eq[i];
        x = xe;
      }
      for (int o = 0; o < O; o++) y[o] = 0.0f;
      for (int i = 0; i < I; i++) {
        const float xi = x[i];
        for (int o = 0; o < O; o++) y[o] += (float)qt[(size_t)i * O + o] * xi;
      }
      for (int o = 0; o < O; o++) y[o] = n->has_bias[l] ? y[o] * s[o] + b[o] : y[o] * s[o];
    } else {
      /* z = (scale · sx) ⊙ (Q xq) + b with xq = x / sx in [0, 255] and int32 sums */
      const int8_t *q = n->q + n->w_off[l]; /* (O x I) */
      const float *s = n->scale + n->b_off[l];
      const float sx = quantize_input(x, I, xq);
      for (int o = 0; o < O; o++) {
        const int8_t *r = q + (size_t)o * I;
        int32_t acc = 0;
        for (int i = 0; i < I; i++) acc += (int32_t)r[i] * (int32_t)xq[i];
        float v = (float)acc * (s[o] * sx);
        y[o] = n->has_bias[l] ? v + b[o] : v;
      }
    }
    if (n->bn[l + 1])
      for (int o = 0; o < O; o++) y[o] = normalize(n->norm + n->norm_off[l + 1], O, o, y[o]);
    for (int o = 0; o < O; o++) y[o] = activate(n->act[l], y[o]);
    x = y;
  }
  /* a = center + scale · y */
  for (int j = 0; j < n->sizes[n->n_layers]; j++)
    act[j] = n->act_center[j] + n->act_scale[j] * x[j];
}

double export_act_ns(const ExportNet *n, const float *obs, int n_obs, int calls, int reps) {
  DDPG_CHECK(n_obs > 0 && calls > 0 && reps > 0);
  void *scratch = xmalloc(export_net_scratch_bytes(n));
  double *t = xmalloc(sizeof(double) * (size_t)reps);
  float *act = xcalloc((size_t)n->sizes[n->n_layers], sizeof(float));
  volatile float sink = 0.0f; /* keeps the calls from being optimized away */
  int S = n->sizes[0];
  for (int r = 0; r < reps; r++) {
    double t0 = now_seconds();
    for (int c = 0; c < calls; c++) {
      export_net_act(n, obs + (size_t)(c % n_obs) * S, act, scratch);
      sink += act[0];
    }
    t[r] = (now_seconds() - t0) * 1e9 / calls;
  }
  double med = median_of(t, reps);
  free(t);
  free(scratch);
  free(act);
  (void)sink;
  return med;
}

/* ------------------------------------------------------------------------------------ */
/* the header text                                                                        */

typedef struct {
  char *s;
  size_t len, cap;
} Text;

static void tx_printf(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tx_printf(Text *t, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    DDPG_CHECK(k >= 0);
    if (t->len + (size_t)k < t->cap) {
      t->len += (size_t)k;
      return;
    }
    t->cap = 2 * t->cap + (size_t)k + 1;
    char *s = realloc(t->s, t->cap);
    DDPG_CHECK(s != NULL);
    t->s = s;
  }
}

/* a float as a hexadecimal literal: exact, and the same value on every compiler */
static void tx_float(Text *t, float v) { tx_printf(t, "%af", (double)v); }

static void tx_floats(Text *t, const char *decl, const float *v, size_t n) {
  tx_printf(t, "  %s = {", decl);
  for (size_t k = 0; k < n; k++) {
    tx_printf(t, k % 6 ? " " : "\n      ");
    tx_float(t, v[k]);
    if (k + 1 < n) tx_printf(t, ",");
  }
  tx_printf(t, "};\n");
}

static void tx_int8s(Text *t, const char *decl, const int8_t *v, size_t n) {
  tx_printf(t, "  %s = {", decl);
  for (size_t k = 0; k < n; k++) {
    tx_printf(t, k % 16 ? " " : "\n      ");
    tx_printf(t, "%d", v[k]);
    if (k + 1 < n) tx_printf(t, ",");
  }
  tx_printf(t, "};\n");
}

static const char *act_name(Activation a) {
  return a == ACT_RELU ? "ReLU" : a == ACT_TANH ? "tanh" : "identity";
}

/* the activation of layer l applied to the expression `v`, assigned to `dst` */
static void tx_activate(Text *t, Activation a, const char *dst, const char *v) {
  if (a == ACT_RELU)
    tx_printf(t, "%s = %s > 0.0f ? %s : 0.0f;", dst, v, v);
  else if (a == ACT_TANH)
    tx_printf(t, "%s = tanhf(%s);", dst, v);
  else
    tx_printf(t, "%s = %s;", dst, v);
}

/* the loops of layer l, reading `x`, writing `y`; the twin of one iteration of the layer
 * loop of export_net_act */
static void emit_layer(Text *t, const ExportNet *n, int l, const char *x, const char *y) {
  int I = n->sizes[l], O = n->sizes[l + 1], bias = n->has_bias[l];
  tx_printf(t, "\n  /* layer %d: %d -> %d%s, %s", l, I, O, n->bn[l + 1] ? ", batch norm" : "",
            act_name(n->act[l]));
  /* the pre-activation z into y */
  if (n->kind == EXPORT_FLOAT || n->float_layer[l]) {
    tx_printf(t, "; z[o] = %ssum_i W[o][i] x[i] summed in i order */\n", bias ? "b[o] + " : "");
    if (bias)
      tx_printf(t, "  for (o = 0; o < %d; o++) %s[o] = b%d[o];\n", O, y, l);
    else
      tx_printf(t, "  for (o = 0; o < %d; o++) %s[o] = 0.0f;\n", O, y);
    tx_printf(t, "  for (i = 0; i < %d; i++) {\n    const float xi = %s[i];\n", I, x);
    tx_printf(t, "    for (o = 0; o < %d; o++) %s[o] += w%d[i * %d + o] * xi;\n  }\n", O, y,
              l, O);
  } else if (!n->int_layer[l]) {
    tx_printf(t, "; int8 weights, float activations:\n"
                 "     z[o] = s[o] (sum_i q[o][i] x[i])%s */\n", bias ? " + b[o]" : "");
    if (l == 0) { /* input columns scaled: W[o][i] ~ s[o] q[o][i] e0[i] */
      tx_printf(t, "  for (i = 0; i < %d; i++) xe[i] = %s[i] * e0[i];\n", I, x);
      x = "xe";
    }
    tx_printf(t, "  for (o = 0; o < %d; o++) %s[o] = 0.0f;\n", O, y);
    tx_printf(t, "  for (i = 0; i < %d; i++) {\n    const float xi = %s[i];\n", I, x);
    tx_printf(t, "    for (o = 0; o < %d; o++) %s[o] += (float)q%d[i * %d + o] * xi;\n  }\n",
              O, y, l, O);
    tx_printf(t, "  for (o = 0; o < %d; o++) %s[o] = %s[o] * s%d[o]", O, y, y, l);
    if (bias) tx_printf(t, " + b%d[o]", l);
    tx_printf(t, ";\n");
  } else {
    tx_printf(t, "; int8 weights x uint8 inputs, int32 sums:\n"
                 "     x ~ sx xq with sx = max(x) / 255; z[o] = (s[o] sx) (sum_i q[o][i] xq[i])"
                 "%s */\n", bias ? " + b[o]" : "");
    tx_printf(t, "  m = 0.0f;\n  for (i = 0; i < %d; i++) m = %s[i] > m ? %s[i] : m;\n", I, x,
              x);
    tx_printf(t, "  sx = 0.0f;\n"
                 "  if (m > 1e-30f) {\n"
                 "    const float inv = 255.0f / m;\n"
                 "    sx = m / 255.0f;\n"
                 "    for (i = 0; i < %d; i++) {\n"
                 "      const float v = %s[i] * inv;\n"
                 "      xq[i] = (short)(v < 255.0f ? (int)(v + 0.5f) : 255);\n"
                 "    }\n"
                 "  } else {\n"
                 "    for (i = 0; i < %d; i++) xq[i] = 0;\n"
                 "  }\n", I, x, I);
    tx_printf(t, "  for (o = 0; o < %d; o++) {\n"
                 "    const signed char *r = q%d + o * %d;\n"
                 "    int acc = 0;\n"
                 "    float v;\n"
                 "    for (i = 0; i < %d; i++) acc += (int)r[i] * (int)xq[i];\n"
                 "    v = (float)acc * (s%d[o] * sx);\n", O, l, I, I, l);
    tx_printf(t, bias ? "    %s[o] = v + b%d[o];\n  }\n" : "    %s[o] = v;\n  }\n", y, l);
  }
  /* batch norm with the running statistics: z = gamma (z - mean) istd + beta */
  if (n->bn[l + 1])
    tx_printf(t, "  for (o = 0; o < %d; o++) {\n"
                 "    const float v = (%s[o] - bn%d_mean[o]) * bn%d_istd[o];\n"
                 "    %s[o] = bn%d_gamma[o] * v + bn%d_beta[o];\n  }\n",
              O, y, l + 1, l + 1, y, l + 1, l + 1);
  /* the activation, in a loop of its own: compilers make it branch-free there (maxps) */
  tx_printf(t, "  for (o = 0; o < %d; o++) ", O);
  char dst[32];
  snprintf(dst, sizeof dst, "%s[o]", y);
  tx_activate(t, n->act[l], dst, dst);
  tx_printf(t, "\n");
}

/* a string from outside (a path) inside the header's comment: printable ASCII only, and
 * nothing that ends the comment or draws a warning (comment openers, trigraphs) */
static void tx_comment_str(Text *t, const char *s) {
  for (; *s; s++) {
    char c = *s >= 0x20 && *s < 0x7f ? *s : '_';
    tx_printf(t, "%c", c);
    if ((c == '*' && s[1] == '/') || (c == '/' && s[1] == '*') || (c == '?' && s[1] == '?'))
      tx_printf(t, " ");
  }
}

static void upper(char *dst, const char *src, size_t n) {
  size_t k = 0;
  for (; src[k] && k + 1 < n; k++)
    dst[k] = src[k] >= 'a' && src[k] <= 'z' ? (char)(src[k] - 'a' + 'A') : src[k];
  dst[k] = 0;
}

/* the figures of a header that its parts share */
typedef struct {
  const char *id;                /* the name of its identifiers (rep->name) */
  char ID[EXPORT_NAME_MAX + 1];  /* the same in capitals, for macros */
  int S, A, L;                   /* observations, actions, layers */
  int hidden_max, any_int;       /* widest hidden layer; whether a layer is int8 */
  size_t n_params, stack;        /* parameters as trained; stack bytes per call */
  const char *base;              /* the checkpoint's file name */
  const float *lo, *hi;          /* action bounds (A each) */
  double dt;                     /* seconds per action */
} HeaderShape;

static void header_shape(HeaderShape *h, const Policy *p, const EnvModel *em,
                         const ExportNet *n, const ExportReport *rep, const char *src) {
  h->dt = env_model_dt(em);
  h->id = rep->name;
  upper(h->ID, h->id, sizeof h->ID);
  const int S = n->sizes[0], A = n->sizes[n->n_layers], L = n->n_layers;
  h->S = S;
  h->A = A;
  h->L = L;
  int hidden_max = 0;
  for (int l = 1; l < L; l++) hidden_max = n->sizes[l] > hidden_max ? n->sizes[l] : hidden_max;
  int any_int = 0;
  for (int l = 0; l < L; l++) any_int |= n->int_layer[l];
  size_t n_params = 0; /* as trained: weights, biases, batch norm's γ, β, mean, var */
  for (int l = 0; l < L; l++)
    n_params += (size_t)n->sizes[l + 1] * ((size_t)n->sizes[l] + (size_t)n->has_bias[l]);
  for (int u = 0; u <= L; u++) n_params += n->bn[u] ? 4 * (size_t)n->sizes[u] : 0;
  h->hidden_max = hidden_max;
  h->any_int = any_int;
  h->n_params = n_params;
  h->stack = (size_t)(2 * hidden_max + A + (n->bn[0] ? S : 0) + (n->eq ? S : 0)) *
                 sizeof(float) +
             (any_int ? (size_t)hidden_max * sizeof(short) : 0);
  h->base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
  h->lo = p->agent.cfg.act_low;
  h->hi = p->agent.cfg.act_high;
}

/* the leading comment: what this is, where it came from, how to call it */
static void emit_comment(Text *t, const Policy *p, const EnvModel *em, const ExportNet *n,
                         const ExportReport *rep, const HeaderShape *h) {
  const char *id = h->id;
  const char *ID = h->ID;
  const int S = h->S;
  const int A = h->A;
  const int L = h->L;
  const size_t n_params = h->n_params;
  const size_t stack = h->stack;
  const char *base = h->base;
  const float *lo = h->lo;
  const float *hi = h->hi;
  const double dt = h->dt;
  tx_printf(t, "/* ddpg-export format %d: the %s actor as a self-contained C header.\n *\n",
            EXPORT_FORMAT_VERSION, p->env_name);
  tx_printf(t, " * Generated by `ddpg export` (ddpg %s) from ", version_string());
  tx_comment_str(t, base);
  tx_printf(t, " (CRC-32 0x%08x). Do not edit: export again.\n", (unsigned)p->crc);
  tx_printf(t, " * License: none of ddpg's applies to this generated file; use, copy, modify and\n"
                " * distribute it without conditions (docs/export.md, \"License\").\n *\n");
  tx_printf(t, " *   robot          ");
  tx_comment_str(t, p->env_name);
  tx_printf(t, ": ");
  tx_comment_str(t, env_model_description(em));
  tx_printf(t, "\n");
  EnvRecord rec;
  env_model_record(em, &rec);
  if (rec.mjcf) {
    tx_printf(t, " *   model          ");
    tx_comment_str(t, rec.mjcf);
    tx_printf(t, rec.builtin == ENV_MJCF_BUILTIN ? " (built-in)\n"
                  : rec.builtin == ENV_MJCF_SOURCE ? " (in the ddpg source tree)\n" : "\n");
  }
  if (dt > 0)
    tx_printf(t, " *   control rate   one action every %g s (%g Hz): call %s_act once per step\n",
              dt, 1.0 / dt, id);
  tx_printf(t, " *   training       %ld environment steps; its last evaluation: ", p->step);
  if (isfinite(p->eval_return))
    tx_printf(t, "mean return %.6g\n", p->eval_return);
  else
    tx_printf(t, "none\n");
  tx_printf(t, " *   network        %d%s", S, n->bn[0] ? " batch-norm" : "");
  for (int l = 0; l < L; l++)
    tx_printf(t, " -> %d%s %s", n->sizes[l + 1], n->bn[l + 1] ? " batch-norm" : "",
              act_name(n->act[l]));
  tx_printf(t, ", %zu parameters\n", n_params);
  if (n->kind == EXPORT_FLOAT) {
    tx_printf(t,
              " *   weights        float32 as hexadecimal literals (bit-exact), %zu bytes\n"
              " *   numerics       the checkpoint's own arithmetic: each output sums b + W x in\n"
              " *                  the trainer's order, so actions equal `ddpg act` bit for bit\n"
              " *                  where float is IEEE single with FLT_EVAL_METHOD 0 and tanhf is\n"
              " *                  glibc's (the pragmas below keep gcc and clang from fusing\n"
              " *                  a*b + c into FMA); elsewhere they agree to float rounding\n",
              export_net_weight_bytes(n));
  } else {
    tx_printf(t,
              " *   weights        int8, one float scale per output channel (w = s q), float\n"
              " *                  biases; the first layer's input columns are scaled first\n"
              " *                  (w = s q e: the observation's entries have different\n"
              " *                  units); the output layer stays float; %zu bytes\n",
              export_net_weight_bytes(n));
    if (n->kind == EXPORT_INT8)
      tx_printf(t,
                " *   activations    the observation stays float (its entries have different\n"
                " *                  units); hidden activations are uint8 with one scale per\n"
                " *                  vector (max / 255), products summed in int32\n");
    else
      tx_printf(t, " *   activations    float, float sums\n");
    tx_printf(t,
              " *   accuracy       max |action - float action| = %.3g over %d observations\n"
              " *                  of evaluation rollouts (float policy, seed %d); mean return\n"
              " *                  over %d episodes (seed %d): float %.6g, int8 %.6g\n",
              rep->max_err, rep->n_test, EXPORT_TEST_SEED, rep->eval_episodes, EXPORT_TEST_SEED,
              rep->return_float, rep->return_int8);
  }
  tx_printf(t, " *   cost           %zu bytes of stack per call; no allocation, no globals\n *\n",
            stack);
  tx_printf(t, " * Observation: %s_OBS_DIM = %d floats, raw, in the robot's units (no scaling):\n",
            ID, S);
  for (int k = 0; k < S; k++)
  {
    tx_printf(t, " *   [%2d] ", k);
    tx_comment_str(t, env_model_obs_label(em, k));
    tx_printf(t, "\n");
  }
  tx_printf(t, " * Action: %s_ACT_DIM = %d floats, actuator commands within their ctrlrange:\n",
            ID, A);
  for (int k = 0; k < A; k++) {
    tx_printf(t, " *   [%2d] ", k);
    tx_comment_str(t, env_model_act_label(em, k));
    tx_printf(t, " in [%g, %g]\n", (double)lo[k], (double)hi[k]);
  }
  tx_printf(t,
            " *\n * Usage (see controllers/README.md):\n"
            " *   float obs[%s_OBS_DIM], act[%s_ACT_DIM];\n"
            " *   ... read the sensors into obs ...\n"
            " *   %s_act(obs, act);   (re-entrant: callable from several threads at once)\n"
            " *   ... write act to the motors ...\n"
            " * Compilers: C99, C11; C++17 (hexadecimal float literals; older C++ modes accept\n"
            " * them only as an extension, which -Wpedantic reports).\n"
            " * Several files: by default %s_act is a static inline function: every file that\n"
            " * includes this header carries its own copy of the weights. For one copy, define\n"
            " * %s_EXTERN in every file that includes it (e.g. -D%s_EXTERN) and %s_IMPLEMENTATION\n"
            " * as well in exactly one of them: that file defines %s_act, the others declare it.\n"
            " */\n",
            ID, ID, id, id, ID, ID, ID, id);
}

/* the include guard and the macros that describe the actor */
static void emit_macros(Text *t, const Policy *p, const ExportNet *n, const HeaderShape *h) {
  const char *id = h->id;
  const char *ID = h->ID;
  const int S = h->S;
  const int A = h->A;
  const int any_int = h->any_int;
  const double dt = h->dt;
  tx_printf(t, "#ifndef %s_DDPG_EXPORT_H\n#define %s_DDPG_EXPORT_H\n\n#include <math.h>\n\n", ID,
            ID);
  tx_printf(t, "#define %s_EXPORT_FORMAT %d\n", ID, EXPORT_FORMAT_VERSION);
  tx_printf(t, "#define %s_DDPG_VERSION \"%s\" /* the ddpg that wrote it */\n", ID,
            version_string());
  /* the env as a C string literal: a task file's path may hold quotes or backslashes */
  tx_printf(t, "#define %s_ENV \"", ID);
  for (const char *c = p->env_name; *c; c++) {
    if (*c == '"' || *c == '\\') tx_printf(t, "\\");
    tx_printf(t, "%c", (unsigned char)*c >= 0x20 && *c != 0x7f ? *c : '?');
  }
  tx_printf(t, "\"\n");
  tx_printf(t, "#define %s_OBS_DIM %d\n#define %s_ACT_DIM %d\n", ID, S, ID, A);
  if (dt > 0) tx_printf(t, "#define %s_CONTROL_DT %.17g /* seconds per action */\n", ID, dt);
  tx_printf(t, "#define %s_CHECKPOINT_CRC 0x%08xUL\n", ID, (unsigned)p->crc);
  tx_printf(t, "#define %s_TRAIN_STEPS %ldL\n", ID, p->step);
  tx_printf(t, "#define %s_INT8 %d\n", ID, n->kind != EXPORT_FLOAT);
  tx_printf(t, "#define %s_WEIGHT_BYTES %zuUL\n", ID, export_net_weight_bytes(n));
  if (any_int)
    tx_printf(t, "\n/* the int32 sums need an int of at least 32 bits */\n"
                  "typedef char %s_int_is_32_bits[sizeof(int) >= 4 ? 1 : -1];\n", id);
}

/* the act function's constant tables: weights (float, or int8 with their scales), biases,
 * batch-norm statistics, the action scaling */
static void emit_weights(Text *t, const ExportNet *n, const HeaderShape *h) {
  const int A = h->A;
  const int L = h->L;
  for (int l = 0; l < L; l++) {
    int I = n->sizes[l], O = n->sizes[l + 1];
    char decl[96];
    size_t wo = n->w_off[l], bo = n->b_off[l];
    if (n->kind == EXPORT_FLOAT || n->float_layer[l]) {
      snprintf(decl, sizeof decl, "static const float w%d[%d * %d] /* W^T: in x out */", l, I, O);
      tx_floats(t, decl, n->w + wo, (size_t)I * O);
    } else {
      if (l == 0) {
        snprintf(decl, sizeof decl, "static const float e0[%d] /* input column scales */", I);
        tx_floats(t, decl, n->eq, (size_t)I);
      }
      snprintf(decl, sizeof decl, "static const signed char q%d[%d * %d] /* %s */", l,
               n->int_layer[l] ? O : I, n->int_layer[l] ? I : O,
               n->int_layer[l] ? "out x in" : "in x out");
      tx_int8s(t, decl, n->q + wo, (size_t)I * O);
      snprintf(decl, sizeof decl, "static const float s%d[%d]", l, O);
      tx_floats(t, decl, n->scale + bo, (size_t)O);
    }
    if (n->has_bias[l]) {
      snprintf(decl, sizeof decl, "static const float b%d[%d]", l, O);
      tx_floats(t, decl, n->b + bo, (size_t)O);
    }
  }
  /* batch norm: running mean, istd = 1/sqrt(var + eps) (computed as the trainer does), γ, β */
  for (int u = 0; u <= L; u++) {
    if (!n->bn[u]) continue;
    static const char *const what[4] = {"mean", "istd", "gamma", "beta"};
    int d = n->sizes[u];
    for (int k = 0; k < 4; k++) {
      char decl[96];
      snprintf(decl, sizeof decl, "static const float bn%d_%s[%d]", u, what[k], d);
      tx_floats(t, decl, n->norm + n->norm_off[u] + (size_t)k * d, (size_t)d);
    }
  }
  char decl[64];
  snprintf(decl, sizeof decl, "static const float center[%d]", A);
  tx_floats(t, decl, n->act_center, (size_t)A);
  snprintf(decl, sizeof decl, "static const float scale[%d]", A);
  tx_floats(t, decl, n->act_scale, (size_t)A);
}

/* the act function: its linkage, its tables and its body */
static void emit_function(Text *t, const ExportNet *n, const HeaderShape *h) {
  const char *id = h->id;
  const char *ID = h->ID;
  const int S = h->S;
  const int A = h->A;
  const int L = h->L;
  const int hidden_max = h->hidden_max;
  const int any_int = h->any_int;
  /* its linkage: static inline in every including file (the default), or one external
   * definition (ID_IMPLEMENTATION) that the other files declare (ID_EXTERN), with C linkage
   * so that C and C++ files can share it */
  tx_printf(t, "\n/* static inline by default; one external definition with %s_EXTERN and, in\n"
                " * one file, %s_IMPLEMENTATION (see the comment at the top) */\n"
                "#if defined(%s_EXTERN) || defined(%s_IMPLEMENTATION)\n"
                "#ifdef __cplusplus\n#define %s_ACT_LINKAGE extern \"C\"\n#else\n"
                "#define %s_ACT_LINKAGE\n#endif\n#else\n"
                "#define %s_ACT_LINKAGE static inline\n#endif\n",
            ID, ID, ID, ID, ID, ID, ID);
  tx_printf(t, "\n/* act = the deterministic action of the policy for obs */\n"
                "#if defined(%s_EXTERN) && !defined(%s_IMPLEMENTATION)\n"
                "%s_ACT_LINKAGE void %s_act(const float *obs, float *act);\n#else\n",
            ID, ID, ID, id);
  /* no a*b + c fused into an FMA (it rounds once instead of twice): gcc contracts by
   * default outside ISO mode and in C++, clang within expressions */
  tx_printf(t, "#if defined(__GNUC__) && !defined(__clang__)\n"
                "#pragma GCC push_options\n#pragma GCC optimize(\"fp-contract=off\")\n#endif\n");
  tx_printf(t, "%s_ACT_LINKAGE void %s_act(const float *obs, float *act) {\n", ID, id);
  tx_printf(t, "#if defined(__clang__)\n#pragma STDC FP_CONTRACT OFF\n#endif\n");
  emit_weights(t, n, h);
  if (hidden_max > 0) tx_printf(t, "  float ha[%d], hb[%d];\n", hidden_max, hidden_max);
  if (n->bn[0]) tx_printf(t, "  float xn[%d];\n", S);
  if (n->eq) tx_printf(t, "  float xe[%d];\n", S);
  tx_printf(t, "  float y[%d];\n", A);
  if (any_int)
    tx_printf(t, "  short xq[%d]; /* uint8 values held in 16 bits for multiply-add */\n"
                  "  float m, sx;\n", hidden_max);
  tx_printf(t, "  int i, o;\n");
  if (n->bn[0])
    tx_printf(t, "\n  /* batch norm of the observation: xn = gamma (obs - mean) istd + beta */\n"
                  "  for (i = 0; i < %d; i++) {\n"
                  "    const float v = (obs[i] - bn0_mean[i]) * bn0_istd[i];\n"
                  "    xn[i] = bn0_gamma[i] * v + bn0_beta[i];\n  }\n", S);
  for (int l = 0; l < L; l++) {
    const char *x = l == 0 ? (n->bn[0] ? "xn" : "obs") : (l - 1) % 2 ? "hb" : "ha";
    const char *y = l == L - 1 ? "y" : l % 2 ? "hb" : "ha";
    emit_layer(t, n, l, x, y);
  }
  tx_printf(t, "\n  /* a = center + scale y: the output scaled to the actuator bounds */\n"
                "  for (o = 0; o < %d; o++) act[o] = center[o] + scale[o] * y[o];\n}\n",
            A);
  tx_printf(t, "#if defined(__GNUC__) && !defined(__clang__)\n#pragma GCC pop_options\n#endif\n");
  tx_printf(t, "#endif /* %s_EXTERN && !%s_IMPLEMENTATION */\n", ID, ID);
  tx_printf(t, "\n#endif /* %s_DDPG_EXPORT_H */\n", ID);
}

char *export_header_text(const Policy *p, const EnvModel *em, const ExportNet *n,
                         const ExportReport *rep, const char *src, size_t *len) {
  HeaderShape h;
  header_shape(&h, p, em, n, rep, src);
  Text t = {xmalloc(1 << 16), 0, 1 << 16};
  emit_comment(&t, p, em, n, rep, &h);
  emit_macros(&t, p, n, &h);
  emit_function(&t, n, &h);
  *len = t.len;
  return t.s;
}

/* ------------------------------------------------------------------------------------ */
/* the command                                                                            */

typedef struct {
  Policy *p;
  float *obs;   /* (cap x obs_dim) observations recorded */
  int n, cap;
} Gather;

/* the checkpoint's policy, recording every observation it is asked about */
static void gather_fn(void *ctx, const float *obs, float *act) {
  Gather *g = ctx;
  int S = g->p->agent.cfg.obs_dim;
  if (g->n < g->cap) memcpy(g->obs + (size_t)g->n++ * S, obs, sizeof(float) * (size_t)S);
  policy_act(g->p, obs, act);
}

static void policy_fn(void *ctx, const float *obs, float *act) { policy_act(ctx, obs, act); }

typedef struct {
  const ExportNet *n;
  void *scratch;
} NetCtx;

static void net_fn(void *ctx, const float *obs, float *act) {
  NetCtx *c = ctx;
  export_net_act(c->n, obs, act, c->scratch);
}

/* max |a - b| over the actions of policy p and net on obs (count x obs_dim) */
static double max_diff(Policy *p, const ExportNet *n, const float *obs, int count) {
  int S = p->agent.cfg.obs_dim, A = p->agent.cfg.act_dim;
  void *scratch = xmalloc(export_net_scratch_bytes(n));
  float *ab = xcalloc(2 * (size_t)A, sizeof(float));
  double worst = 0.0;
  for (int k = 0; k < count; k++) {
    float *a = ab, *b = ab + A;
    policy_act(p, obs + (size_t)k * S, a);
    export_net_act(n, obs + (size_t)k * S, b, scratch);
    for (int j = 0; j < A; j++) {
      double d = fabs((double)a[j] - (double)b[j]);
      if (!(d <= worst)) worst = d; /* a NaN counts as the worst */
    }
  }
  free(scratch);
  free(ab);
  return worst;
}

int export_checkpoint(const char *ckpt, const char *out, const char *name, ExportKind kind,
                      ExportReport *rep, char *err) {
  memset(rep, 0, sizeof *rep);
  rep->kind = kind;
  if (name && export_name_check(name, err) != 0) return -1;
  Policy p;
  if (policy_load(&p, ckpt, err) != 0) return -1;
  /* default: the env's name, or a task file's base name without .yaml */
  char base[EXPORT_NAME_MAX + 1];
  const char *b = strrchr(p.env_name, '/') ? strrchr(p.env_name, '/') + 1 : p.env_name;
  size_t bl = strcspn(b, ".");
  snprintf(base, sizeof base, "%.*s", (int)(bl < EXPORT_NAME_MAX ? bl : EXPORT_NAME_MAX), b);
  const char *nm = name ? name : base;
  char why[ERR_LEN];
  if (export_name_check(nm, why) != 0) {
    policy_free(&p);
    return err_set(err, "the robot's name '%s' cannot name the header's identifiers; pass "
                   "--name ID", p.env_name);
  }
  snprintf(rep->name, sizeof rep->name, "%.*s", EXPORT_NAME_MAX, nm);
  const Mlp *m = &p.agent.actor;
  for (size_t k = 0; k < m->n_params; k++)
    if (!isfinite(m->params[k])) {
      policy_free(&p);
      return err_set(err, "%s: the actor has non-finite weights (training diverged); export "
                     "an earlier checkpoint", ckpt);
    }

  /* the robot: its control period, and evaluation rollouts for the test set */
  EnvModel *em = NULL;
  if (policy_model_load(&p, ckpt, NULL, NULL, &em, err) != 0) {
    policy_free(&p);
    return -1;
  }
  int max_steps = env_model_max_steps(em), S = env_model_obs_dim(em);

  int rc = 0;
  ExportNet ref, net;
  memset(&net, 0, sizeof net);
  Gather g = {&p, xmalloc(sizeof(float) * (size_t)EXPORT_TEST_OBS * S), 0, EXPORT_TEST_OBS};
  EvalResult res;
  int episodes = (EXPORT_TEST_OBS + max_steps - 1) / max_steps;
  if (eval_policy(em, gather_fn, &g, episodes, EXPORT_TEST_SEED, &res, why) != 0)
    rc = err_set(err, "%s: %s", ckpt, why);

  /* the float network in the header's layout must act exactly as the checkpoint does, on the
   * rollouts and on random observations far outside them; anything else means the actor has
   * a feature this exporter does not write */
  export_net_init(&ref, &p.agent, EXPORT_FLOAT);
  if (rc == 0) {
    enum { N_RANDOM = 1000 };
    float *rnd = xmalloc(sizeof(float) * N_RANDOM * (size_t)S);
    Rng rng;
    rng_init(&rng, EXPORT_TEST_SEED, 1);
    for (size_t k = 0; k < (size_t)N_RANDOM * S; k++) rnd[k] = (float)rng_range(&rng, -10.0, 10.0);
    double d1 = max_diff(&p, &ref, g.obs, g.n), d2 = max_diff(&p, &ref, rnd, N_RANDOM);
    free(rnd);
    rep->ref_max_err = d1 > d2 ? d1 : d2;
    if (!(rep->ref_max_err <= 1e-6))
      rc = err_set(err, "%s: the exported network would differ from the checkpoint's actor by "
                   "%g (an actor feature ddpg export does not support)", ckpt, rep->ref_max_err);
  }

  /* int8: its error against the float actor on the rollouts, and both returns */
  const ExportNet *written = &ref;
  if (rc == 0 && kind != EXPORT_FLOAT) {
    export_net_init(&net, &p.agent, kind);
    written = &net;
    rep->n_test = g.n;
    rep->max_err = max_diff(&p, &net, g.obs, g.n);
    rep->eval_episodes = EXPORT_EVAL_EPISODES;
    NetCtx c = {&net, xmalloc(export_net_scratch_bytes(&net))};
    EvalResult rf = {0}, rq = {0};
    if (eval_policy(em, policy_fn, &p, EXPORT_EVAL_EPISODES, EXPORT_TEST_SEED, &rf, why) != 0 ||
        eval_policy(em, net_fn, &c, EXPORT_EVAL_EPISODES, EXPORT_TEST_SEED, &rq, why) != 0)
      rc = err_set(err, "%s: %s", ckpt, why);
    rep->return_float = rf.mean_return;
    rep->return_int8 = rq.mean_return;
    free(c.scratch);
  }

  if (rc == 0) {
    rep->weight_bytes = export_net_weight_bytes(written);
    size_t len;
    char *text = export_header_text(&p, em, written, rep, ckpt, &len);
    rep->header_bytes = len;
    if (write_file_atomic(out, text, len, why) != 0) rc = err_set(err, "%s", why);
    free(text);
  }
  free(g.obs);
  export_net_free(&ref);
  export_net_free(&net);
  env_model_free(em);
  policy_free(&p);
  return rc;
}
