/* vmath: branch-free double-precision kernels over float arrays.
 *
 * tanh(x) = sign(x) · e / (e + 2), e = expm1(2|x|), evaluated in double:
 *  - 2|x| < 0.5: e from its Taylor series (degree 14 at most 0.5^15/15! ≈ 2e-17 relative);
 *  - 2|x| ≥ 0.5: e = 2^k · p(r) − 1 with k = round(2|x| / ln 2), r = 2|x| − k·ln 2 (ln 2 in
 *    two parts, so r is exact to double rounding), |r| ≤ 0.35, p the Taylor series of e^r to
 *    degree 13 (0.35^14/14! ≈ 5e-18); e ≥ 0.65 there, so the subtraction costs nothing;
 *  - |x| ≥ 9.5: tanh rounds to ±1 in float (1 − tanh(9.5) ≈ 1.1e-8, under half an ulp).
 * Both branches are computed for every element and one is selected, so the loop has no
 * branches and vectorizes; the relative error before the final rounding to float is a few
 * 1e-16, so the float result is the correctly rounded one unless the exact tanh lies within
 * that distance of a midpoint between two floats (checked against libm's double tanh on
 * every float in scripts/check-tanh.sh). Multiply-add contraction is off for this file,
 * so every build and every SIMD width computes the same bits. */
#include "vmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* 1/i! for i = 0..14, rounded to double */
static const double INV_FACT[15] = {
    1.0, 1.0, 0x1.0000000000000p-1, 0x1.5555555555555p-3, 0x1.5555555555555p-5,
    0x1.1111111111111p-7, 0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-13, 0x1.a01a01a01a01ap-16,
    0x1.71de3a556c734p-19, 0x1.27e4fb7789f5cp-22, 0x1.ae64567f544e4p-26, 0x1.1eed8eff8d898p-29,
    0x1.6124613a86d09p-33, 0x1.93974a8c07c9dp-37};

/* Σ_{i=1..deg} y^i / i! (expm1's Taylor polynomial), Horner form */
static inline double expm1_series(double y, int deg) {
  double s = INV_FACT[deg];
  for (int i = deg - 1; i >= 1; i--) s = s * y + INV_FACT[i];
  return s * y;
}

DDPG_SIMD_CLONES void vm_tanh(float *y, const float *x, size_t n) {
  /* ln 2 = ln2_hi + ln2_lo, ln2_hi with 16 trailing zero bits (k · ln2_hi exact) */
  const double ln2_hi = 0x1.62e42fefa0000p-1, ln2_lo = 0x1.cf79abc9e3b3ap-40;
  const double inv_ln2 = 0x1.71547652b82fep0, shifter = 0x1.8p52;
  for (size_t i = 0; i < n; i++) {
    float xi = x[i];
    double a = xi < 0.0f ? -(double)xi : (double)xi; /* |x|; NaN stays NaN */
    double t = 2.0 * (a < 9.5 ? a : 9.5);            /* keeps 2^k finite; clamped below */
    /* small: the series of expm1 directly */
    double e_small = expm1_series(t, 14);
    /* large: 2^k · e^r − 1, k from the shifter's rounding (exact for |k| < 2^51) */
    double kd = t * inv_ln2 + shifter;
    uint64_t kbits;
    memcpy(&kbits, &kd, sizeof kbits);
    kd -= shifter;
    double r = (t - kd * ln2_hi) - kd * ln2_lo;
    double p = 1.0 + expm1_series(r, 13);
    uint64_t pbits;
    memcpy(&pbits, &p, sizeof pbits);
    pbits += (kbits - 0x4338000000000000ull) << 52; /* p · 2^k: k into the exponent */
    double e_large;
    memcpy(&e_large, &pbits, sizeof e_large);
    e_large -= 1.0;
    double e = t < 0.5 ? e_small : e_large;
    double th = a >= 9.5 ? 1.0 : e / (e + 2.0);
    th = a != a ? a : th;                             /* NaN in, NaN out */
    y[i] = copysignf((float)th, xi);
  }
}
