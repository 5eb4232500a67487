/* model_compare: whether two MJCF files compile to the same physics in this MuJoCo. Used to
 * check that a model written for this project (models/NAME.xml) is physically identical to
 * the Gymnasium file it is derived from (models/README.md, docs/environments.md).
 *
 * Compares, with no tolerance:
 *   - every size of mjModel (MJMODEL_INTS of mjxmacro.h);
 *   - every array of mjModel (MJMODEL_POINTERS) whose shape agrees, byte for byte; arrays
 *     of names, paths, textures and other text are listed apart as cosmetic;
 *   - the opt, vis and stat structs (memcmp);
 *   - a rollout: STEPS mj_step calls from qpos0 with the same pseudo-random controls in
 *     [-1.2, 1.2] x ctrlrange (out of range on purpose, to exercise clamping), qpos, qvel
 *     and cfrc_ext (after mj_rnePostConstraint) compared bitwise at every step.
 * Prints one line per difference and a summary. Exit status: 0 when the physics arrays, the
 * option struct and the rollout are identical (cosmetic differences allowed), 1 otherwise,
 * 2 on a usage or load error.
 * Usage: model_compare A.xml B.xml [STEPS] */
#include <mujoco/mjxmacro.h>
#include <mujoco/mujoco.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* arrays that only hold names, text, visual assets or addresses into them: a difference
 * there changes no dynamics (e.g. a texture the original declares but no geom uses) */
static int cosmetic(const char *name) {
  static const char *const prefixes[] = {"name_", "names", "tex_", "mat_", "skin_",
                                         "text_", "tuple_", "numeric_", "hfield_",
                                         "mesh_", "light_", "cam_", "paths", "key_"};
  static const char *const exact[] = {"geom_matid", "geom_rgba", "site_matid", "site_rgba",
                                      "geom_group", "site_group", "tendon_matid",
                                      "tendon_rgba", "tendon_group", "jnt_group",
                                      "actuator_group", "body_bvhadr"};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
    if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
    if (strcmp(name, exact[i]) == 0) return 1;
  return 0;
}

static mjModel *load(const char *path) {
  char err[1000] = "";
  mjModel *m = mj_loadXML(path, NULL, err, sizeof err);
  if (!m) fprintf(stderr, "model_compare: cannot load %s: %s\n", path, err);
  return m;
}

/* a fixed generator, so both models see the same controls */
static double uniform(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) * (1.0 / 9007199254740992.0);
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: model_compare A.xml B.xml [STEPS]\n");
    return 2;
  }
  int steps = argc == 4 ? atoi(argv[3]) : 1000;
  mjModel *a = load(argv[1]), *b = load(argv[2]);
  if (!a || !b) return 2;
  int physics = 0, cosm = 0;

  /* sizes: a different size of a physics array shows up again below, as a shape mismatch */
#define X(n)                                                                         \
  if (a->n != b->n) {                                                                \
    printf("size  %-22s %d vs %d\n", #n, (int)a->n, (int)b->n);                      \
  }
  MJMODEL_INTS
#undef X

  /* arrays: the preamble defines the column counts the pointer table refers to */
  {
    const mjModel *m = a;
    MJMODEL_POINTERS_PREAMBLE(m)
    int rows_a, rows_b;
#define X(type, n, nr, nc)                                                            \
  rows_a = (int)a->nr;                                                                \
  rows_b = (int)b->nr;                                                                \
  {                                                                                   \
    int bad = rows_a != rows_b ||                                                     \
              (rows_a > 0 &&                                                          \
               memcmp(a->n, b->n, sizeof(type) * (size_t)rows_a * (size_t)(nc)) != 0); \
    if (bad) {                                                                        \
      int c = cosmetic(#n);                                                           \
      if (c) cosm++;                                                                  \
      else physics++;                                                                 \
      printf("%s %-22s %s\n", c ? "cosm " : "PHYS ", #n,                              \
             rows_a != rows_b ? "shape differs" : "values differ");                   \
    }                                                                                 \
  }
    MJMODEL_POINTERS
#undef X
  }
  if (memcmp(&a->opt, &b->opt, sizeof a->opt) != 0) {
    printf("PHYS  opt (mjOption) differs\n");
    physics++;
  }
  if (memcmp(&a->vis, &b->vis, sizeof a->vis) != 0) {
    printf("cosm  vis (mjVisual) differs\n");
    cosm++;
  }
  if (memcmp(&a->stat, &b->stat, sizeof a->stat) != 0) {
    printf("cosm  stat (mjStatistic) differs\n");
    cosm++;
  }

  /* the rollout */
  int rollout_ok = 1;
  if (a->nq == b->nq && a->nv == b->nv && a->nu == b->nu && a->nbody == b->nbody) {
    mjData *da = mj_makeData(a), *db = mj_makeData(b);
    uint64_t seed = 12345;
    for (int t = 0; t < steps && rollout_ok; t++) {
      for (int i = 0; i < a->nu; i++) {
        double lo = a->actuator_ctrlrange[2 * i], hi = a->actuator_ctrlrange[2 * i + 1];
        double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
        if (!a->actuator_ctrllimited[i]) mid = 0.0, half = 1.0;
        double u = mid + 1.2 * half * (2.0 * uniform(&seed) - 1.0);
        da->ctrl[i] = db->ctrl[i] = u;
      }
      mj_step(a, da);
      mj_step(b, db);
      mj_rnePostConstraint(a, da);
      mj_rnePostConstraint(b, db);
      if (memcmp(da->qpos, db->qpos, sizeof(mjtNum) * (size_t)a->nq) ||
          memcmp(da->qvel, db->qvel, sizeof(mjtNum) * (size_t)a->nv) ||
          memcmp(da->cfrc_ext, db->cfrc_ext, sizeof(mjtNum) * 6 * (size_t)a->nbody)) {
        printf("PHYS  rollout differs from step %d\n", t + 1);
        rollout_ok = 0;
      }
    }
    mj_deleteData(da);
    mj_deleteData(db);
  } else {
    printf("PHYS  rollout not run: nq, nv, nu or nbody differ\n");
    rollout_ok = 0;
  }
  if (!rollout_ok) physics++;
  printf("model_compare: %d physics difference(s), %d cosmetic; rollout of %d steps %s\n",
         physics, cosm, steps, rollout_ok ? "bitwise identical" : "differs");
  mj_deleteModel(a);
  mj_deleteModel(b);
  return physics ? 1 : 0;
}
