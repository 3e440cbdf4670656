// An optional Node addon: OpenBLAS's single-precision matrix product (sgemm) on tensors of the
// wasm backend's heap, and an NHWC convolution as patch copies and sgemm (or, for layers to few
// channels, sgemm on the input in place and sums of each tap's outputs). wasm's SIMD is 128 bits
// wide; OpenBLAS runs the CPU's own (AVX-512 on the Intel machines here: 280 to 400 GFLOP/s for
// 1024^3 on 2 threads, against wasm matMul's 44 to 59). OpenBLAS is opened with dlopen when the
// runtime asks for it, so the addon builds with no BLAS headers and loads without OpenBLAS
// (load() then says why it cannot run). Imports: Node-API and libc only.
#include <dlfcn.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*text_fn)(void);

static sgemm_fn sgemm_;

#define CHECK(call)                                                                                                  \
  if ((call) != napi_ok) return fail(env, "bad arguments")

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value text(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

/** load(threads): opens libopenblas.so.0 and sets its thread count; returns the name of the
 *  kernels OpenBLAS chose for this CPU (SkylakeX, Haswell, ...).
 *  OpenMP's threads sleep between calls (OMP_WAIT_POLICY=PASSIVE unless set): spinning, they
 *  would take the cores from the wasm backend's own threads. */
static napi_value load(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int threads;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &threads));
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  void *lib = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) return fail(env, dlerror());
  sgemm_ = (sgemm_fn)dlsym(lib, "cblas_sgemm");
  set_threads_fn set_threads = (set_threads_fn)dlsym(lib, "openblas_set_num_threads");
  text_fn core = (text_fn)dlsym(lib, "openblas_get_corename");
  if (sgemm_ == NULL || set_threads == NULL || core == NULL) {
    sgemm_ = NULL;
    return fail(env, "libopenblas.so.0 lacks cblas_sgemm, openblas_set_num_threads or openblas_get_corename");
  }
  set_threads(threads);
  return text(env, core());
}

/** The float32 data of a Float32Array (its byte offset applied), NULL if v is not one or holds
 *  fewer than `need` values: every function checks its arrays' lengths against the sizes it was
 *  given, so that a wrong size is an error, never a write past a tensor on the heap. */
static float *floats(napi_env env, napi_value v, size_t need) {
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset) != napi_ok) return NULL;
  return type == napi_float32_array && length >= need ? (float *)data : NULL;
}

/** The values a row-major rows × cols matrix with leading dimension ld spans. */
static size_t span(int rows, int cols, int ld) { return rows > 0 && cols > 0 ? (size_t)(rows - 1) * ld + cols : 0; }

static int ints(napi_env env, napi_value *argv, int *out, int n) {
  for (int i = 0; i < n; i++)
    if (napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) return 0;
  return 1;
}

/** sgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc): c = op(a) × op(b), row-major,
 *  op(x) = xᵀ where trans is nonzero. */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  int d[5], lda, ldb, ldc;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (sgemm_ == NULL) return fail(env, "OpenBLAS is not loaded");
  if (argc < 11 || !ints(env, argv, d, 5)) return fail(env, "bad arguments");
  CHECK(napi_get_value_int32(env, argv[6], &lda));
  CHECK(napi_get_value_int32(env, argv[8], &ldb));
  CHECK(napi_get_value_int32(env, argv[10], &ldc));
  const int ta = d[0], tb = d[1], m = d[2], n = d[3], k = d[4];
  float *a = floats(env, argv[5], ta ? span(k, m, lda) : span(m, k, lda));
  float *b = floats(env, argv[7], tb ? span(n, k, ldb) : span(k, n, ldb));
  float *c = floats(env, argv[9], span(m, n, ldc));
  if (a == NULL || b == NULL || c == NULL) return fail(env, "bad arguments: arrays too short for the sizes");
  sgemm_(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
  return NULL;
}

/** A convolution's sizes. Its patch matrix, for images [b0, b0 + nb): row (b, oh, ow) holds, for
 *  each tap (kh, kw), the cin values x[b, oh·sh + kh·dh − top, ow·sw + kw·dw − left, :]. */
typedef struct {
  int B, H, W, C, KH, KW, CO, OH, OW, sh, sw, dh, dw, top, left;
} geometry;

typedef enum { GATHER, SCATTER_ADD } patch_direction;

/** GATHER: the patch matrix of x into cols (0 where a tap falls outside x). SCATTER_ADD: its
 *  transpose, each row's taps added back onto the pixels of x they read. */
static void patches(float *x, const geometry *g, int b0, int nb, float *cols, patch_direction direction) {
  const size_t run = (size_t)g->C * sizeof(float);
  for (int b = b0; b < b0 + nb; b++)
    for (int oh = 0; oh < g->OH; oh++)
      for (int ow = 0; ow < g->OW; ow++)
        for (int kh = 0; kh < g->KH; kh++) {
          const int ih = oh * g->sh + kh * g->dh - g->top;
          for (int kw = 0; kw < g->KW; kw++, cols += g->C) {
            const int iw = ow * g->sw + kw * g->dw - g->left;
            const int inside = ih >= 0 && ih < g->H && iw >= 0 && iw < g->W;
            float *p = inside ? x + (((size_t)b * g->H + ih) * g->W + iw) * g->C : NULL;
            if (direction == SCATTER_ADD) {
              if (inside)
                for (int c = 0; c < g->C; c++) p[c] += cols[c];
            } else if (inside) {
              memcpy(cols, p, run);
            } else {
              memset(cols, 0, run);
            }
          }
        }
}

/** The arguments every convolution function takes: three Float32Arrays (a, b, out), then for
 *  conv2d the bias (or null), then the geometry Int32Array[15] and patchBytes. */
typedef struct {
  float *a, *b, *out, *bias;
  geometry g;
  double patch_bytes;
} conv_args;

/** How many images' patch matrices fit in patch_bytes: at least one, at most B. */
static int images_per_chunk(const geometry *g, double patch_bytes) {
  const double image_bytes = (double)g->OH * g->OW * g->KH * g->KW * g->C * sizeof(float);
  const double fit = patch_bytes / image_bytes;
  return !(fit >= 1) ? 1 : fit > g->B ? g->B : (int)fit; /* NaN: 1 */
}

/** 1x1, stride 1, no padding: the patch matrix is x itself. */
static int direct(const geometry *g) {
  return g->KH == 1 && g->KW == 1 && g->sh == 1 && g->sw == 1 && g->top == 0 && g->left == 0 && g->OH == g->H &&
         g->OW == g->W;
}

/** A patch matrix of `images_per_chunk` images (NULL where direct, or with *failed set when out of memory). */
static float *patch_matrix(const geometry *g, double patch_bytes, int *failed) {
  if (direct(g)) return NULL;
  float *cols = malloc((size_t)images_per_chunk(g, patch_bytes) * g->OH * g->OW * g->KH * g->KW * g->C * sizeof(float));
  *failed = cols == NULL;
  return cols;
}

/** out[B·OH·OW, CO] = patches(x) × filter[KH·KW·C, CO] + beta·out, the patches of a chunk of
 *  images at a time in cols (from patch_matrix). */
static void convolve(float *x, const float *filter, float *out, float beta, const geometry *g, double patch_bytes,
                     float *cols) {
  const int K = g->KH * g->KW * g->C, per_image = g->OH * g->OW, chunk = images_per_chunk(g, patch_bytes);
  for (int b0 = 0; b0 < g->B; b0 += chunk) {
    const int nb = g->B - b0 < chunk ? g->B - b0 : chunk;
    const size_t first = (size_t)b0 * per_image;
    if (cols != NULL) patches(x, g, b0, nb, cols, GATHER);
    sgemm_(ROW_MAJOR, NO_TRANS, NO_TRANS, nb * per_image, g->CO, K, 1.0f, cols != NULL ? cols : x + first * K, K,
           filter, g->CO, beta, out + first * g->CO, g->CO);
  }
}

/** Which convolution function: what its three arrays hold. */
typedef enum { FORWARD, FILTER_GRAD, INPUT_GRAD } conv_kind;

static int conv_arguments(napi_env env, napi_callback_info info, conv_kind kind, conv_args *c) {
  const int with_bias = kind == FORWARD;
  size_t argc = 6;
  napi_value argv[6];
  napi_typedarray_type gtype;
  size_t glen, goff;
  void *gdata;
  napi_value gbuf;
  double patch_bytes;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < (size_t)(5 + with_bias)) return 0;
  if (napi_get_typedarray_info(env, argv[3 + with_bias], &gtype, &glen, &gdata, &gbuf, &goff) != napi_ok ||
      gtype != napi_int32_array || glen != 15 || napi_get_value_double(env, argv[4 + with_bias], &patch_bytes) != napi_ok)
    return 0;
  memcpy(&c->g, gdata, sizeof c->g);
  const geometry *g = &c->g;
  const int dims[] = {g->B, g->H, g->W, g->C, g->KH, g->KW, g->CO, g->OH, g->OW, g->sh, g->sw, g->dh, g->dw};
  for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
    if (dims[i] < 1) return 0;
  const size_t x = (size_t)g->B * g->H * g->W * g->C, w = (size_t)g->KH * g->KW * g->C * g->CO,
               y = (size_t)g->B * g->OH * g->OW * g->CO;
  const size_t need[3][3] = {{x, w, y}, {x, y, w}, {y, w, x}};
  c->a = floats(env, argv[0], need[kind][0]);
  c->b = floats(env, argv[1], need[kind][1]);
  c->out = floats(env, argv[2], need[kind][2]);
  c->bias = NULL;
  if (with_bias) {
    napi_valuetype type;
    if (napi_typeof(env, argv[3], &type) != napi_ok) return 0;
    if (type != napi_null && (c->bias = floats(env, argv[3], g->CO)) == NULL) return 0;
  }
  c->patch_bytes = patch_bytes;
  return c->a != NULL && c->b != NULL && c->out != NULL;
}

/** Every tap's outputs at every input pixel take fewer values than the patch matrix (KH·KW·CO per
 *  pixel of x against KH·KW·C per pixel of y): a layer to few channels, as a generator's last. */
static int few_outputs(const geometry *g) {
  return !direct(g) && (double)g->CO * g->H * g->W < (double)g->C * g->OH * g->OW;
}

/** For each output pixel (b, oh, ow) of images [b0, b0 + nb) and each tap (kh, kw) inside x: `visit`
 *  with the tap's row of z (z[pixel of x the tap reads, tap·CO ..], one image chunk of
 *  [H·W, KH·KW·CO]) and the pixel's CO values of y. */
#define FOR_TAPS(g, b0, nb, z, y, visit)                                                                           \
  for (int b = b0; b < b0 + nb; b++)                                                                                 \
    for (int oh = 0; oh < g->OH; oh++)                                                                               \
      for (int ow = 0; ow < g->OW; ow++) {                                                                           \
        float *yp = y + (((size_t)b * g->OH + oh) * g->OW + ow) * g->CO;                                            \
        for (int kh = 0; kh < g->KH; kh++) {                                                                         \
          const int ih = oh * g->sh + kh * g->dh - g->top;                                                           \
          if (ih < 0 || ih >= g->H) continue;                                                                        \
          for (int kw = 0; kw < g->KW; kw++) {                                                                       \
            const int iw = ow * g->sw + kw * g->dw - g->left;                                                        \
            if (iw < 0 || iw >= g->W) continue;                                                                      \
            float *zp = z + (((size_t)(b - b0) * g->H + ih) * g->W + iw) * g->KH * g->KW * g->CO +                 \
                        ((size_t)kh * g->KW + kw) * g->CO;                                                           \
            for (int co = 0; co < g->CO; co++) visit;                                                                \
          }                                                                                                          \
        }                                                                                                            \
      }

/** The buffers of the tap forms: the filter as [C, KH·KW·CO] (*w) and z for a chunk of images of x
 *  ([H·W, KH·KW·CO] each, within patch_bytes, at least one image). Returns the images per chunk,
 *  or 0 (nothing allocated) when out of memory. */
static int tap_buffers(const geometry *g, double patch_bytes, float **w, float **z) {
  const size_t n = (size_t)g->KH * g->KW * g->CO;
  const double fit = patch_bytes / ((double)g->H * g->W * n * sizeof(float));
  const int chunk = !(fit >= 1) ? 1 : fit > g->B ? g->B : (int)fit;
  *w = malloc((size_t)g->C * n * sizeof(float));
  *z = *w == NULL ? NULL : malloc((size_t)chunk * g->H * g->W * n * sizeof(float));
  if (*z != NULL) return chunk;
  free(*w);
  return 0;
}

/** The filter [KH·KW·C, CO] as [C, KH·KW·CO] (to_taps), or back (from taps). */
static void tap_major(const float *from, float *to, const geometry *g, int to_taps) {
  const int taps = g->KH * g->KW, n = taps * g->CO;
  for (int t = 0; t < taps; t++)
    for (int c = 0; c < g->C; c++)
      for (int co = 0; co < g->CO; co++) {
        const size_t filter = ((size_t)t * g->C + c) * g->CO + co, by_tap = (size_t)c * n + (size_t)t * g->CO + co;
        if (to_taps) to[by_tap] = from[filter];
        else to[filter] = from[by_tap];
      }
}

#define CONV_ARGUMENTS(kind)                                                                                         \
  conv_args c;                                                                                                       \
  if (sgemm_ == NULL) return fail(env, "OpenBLAS is not loaded");                                                  \
  if (!conv_arguments(env, info, kind, &c)) return fail(env, "bad arguments: a geometry or arrays that do not fit");\
  const geometry *g = &c.g

#define NO_MEMORY(what) fail(env, "out of memory for a convolution's " what)

/** The forward convolution for few outputs (few_outputs): z = x × filter as [C, KH·KW·CO] (x read in
 *  place, every tap's outputs at every pixel of x), then each output pixel sums its taps' rows. */
static napi_value conv2d_by_taps(napi_env env, const conv_args *c) {
  const geometry *g = &c->g;
  const int n = g->KH * g->KW * g->CO;
  float *w, *z;
  const int chunk = tap_buffers(g, c->patch_bytes, &w, &z);
  if (chunk == 0) return NO_MEMORY("tap outputs");
  tap_major(c->b, w, g, 1);
  const size_t pixels = (size_t)g->B * g->OH * g->OW;
  for (size_t p = 0; p < pixels; p++)
    for (int co = 0; co < g->CO; co++) c->out[p * g->CO + co] = c->bias != NULL ? c->bias[co] : 0.0f;
  for (int b0 = 0; b0 < g->B; b0 += chunk) {
    const int nb = g->B - b0 < chunk ? g->B - b0 : chunk;
    sgemm_(ROW_MAJOR, NO_TRANS, NO_TRANS, nb * g->H * g->W, n, g->C, 1.0f, c->a + (size_t)b0 * g->H * g->W * g->C,
           g->C, w, n, 0.0f, z, n);
    FOR_TAPS(g, b0, nb, z, c->out, yp[co] += zp[co])
  }
  free(z);
  free(w);
  return NULL;
}

/** The filter gradient for few outputs (few_outputs): dy placed at the pixel of x each tap reads
 *  (z, [H·W, KH·KW·CO] per image, zero elsewhere), then dw as [C, KH·KW·CO] = xᵀ × z, x read in
 *  place. */
static napi_value conv2d_filter_grad_by_taps(napi_env env, const conv_args *c) {
  const geometry *g = &c->g;
  const int n = g->KH * g->KW * g->CO;
  float *w, *z;
  const int chunk = tap_buffers(g, c->patch_bytes, &w, &z);
  if (chunk == 0) return NO_MEMORY("tap gradients");
  for (int b0 = 0; b0 < g->B; b0 += chunk) {
    const int nb = g->B - b0 < chunk ? g->B - b0 : chunk;
    memset(z, 0, (size_t)nb * g->H * g->W * n * sizeof(float));
    FOR_TAPS(g, b0, nb, z, c->b, zp[co] = yp[co])
    sgemm_(ROW_MAJOR, TRANS, NO_TRANS, g->C, n, nb * g->H * g->W, 1.0f, c->a + (size_t)b0 * g->H * g->W * g->C, g->C, z,
           n, b0 == 0 ? 0.0f : 1.0f, w, n);
  }
  tap_major(w, c->out, g, 0);
  free(z);
  free(w);
  return NULL;
}

/** conv2d(x, filter, out, bias | null, geometry, patchBytes): out[B·OH·OW, CO] = patches(x) ×
 *  filter[KH·KW·C, CO] (+ bias per output channel); for few outputs, by taps (conv2d_by_taps). */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  CONV_ARGUMENTS(FORWARD);
  if (few_outputs(g)) return conv2d_by_taps(env, &c);
  int failed = 0;
  float *cols = patch_matrix(g, c.patch_bytes, &failed);
  if (failed) return NO_MEMORY("patch matrix");
  const size_t pixels = (size_t)g->B * g->OH * g->OW;
  if (c.bias != NULL)
    for (size_t p = 0; p < pixels; p++) memcpy(c.out + p * g->CO, c.bias, (size_t)g->CO * sizeof(float));
  convolve(c.a, c.b, c.out, c.bias != NULL ? 1.0f : 0.0f, g, c.patch_bytes, cols);
  free(cols);
  return NULL;
}

/** conv2dFilterGrad(x, dy, dw, geometry, patchBytes): dw[KH·KW·C, CO] = patches(x)ᵀ × dy; for few
 *  outputs, by taps (conv2d_filter_grad_by_taps). */
static napi_value conv2d_filter_grad(napi_env env, napi_callback_info info) {
  CONV_ARGUMENTS(FILTER_GRAD);
  if (few_outputs(g)) return conv2d_filter_grad_by_taps(env, &c);
  int failed = 0;
  float *cols = patch_matrix(g, c.patch_bytes, &failed);
  if (failed) return NO_MEMORY("patch matrix");
  const int K = g->KH * g->KW * g->C, per_image = g->OH * g->OW, chunk = images_per_chunk(g, c.patch_bytes);
  for (int b0 = 0; b0 < g->B; b0 += chunk) {
    const int nb = g->B - b0 < chunk ? g->B - b0 : chunk;
    const size_t first = (size_t)b0 * per_image;
    if (cols != NULL) patches(c.a, g, b0, nb, cols, GATHER);
    sgemm_(ROW_MAJOR, TRANS, NO_TRANS, K, g->CO, nb * per_image, 1.0f, cols != NULL ? cols : c.a + first * K, K,
           c.b + first * g->CO, g->CO, b0 == 0 ? 0.0f : 1.0f, c.out, g->CO);
  }
  free(cols);
  return NULL;
}

/** The input gradient at stride 1 as a forward convolution: dx[b, ih, iw, :] = Σ over taps of
 *  dy[b, ih + top − kh·dh, iw + left − kw·dw, :] × filter[kh, kw]ᵀ, that is dy convolved with the
 *  filter flipped along both axes, its channel axes swapped, padded by (KH − 1)·dh − top before
 *  (likewise along the width). Its patch matrix holds KH·KW·CO values per pixel of dx, and dx is
 *  written once; the scatter form's holds KH·KW·C values per pixel of dy, each added back onto
 *  dx: many more copies where CO < C (a generator's last layer: 64 channels to 1, 64 times). */
static napi_value input_grad_by_forward(napi_env env, const conv_args *c) {
  const geometry *g = &c->g;
  const geometry t = {g->B, g->OH, g->OW, g->CO, g->KH, g->KW, g->C, g->H, g->W, 1, 1, g->dh, g->dw,
                      (g->KH - 1) * g->dh - g->top, (g->KW - 1) * g->dw - g->left};
  int failed = 0;
  float *flipped = malloc((size_t)g->KH * g->KW * g->C * g->CO * sizeof(float));
  float *cols = flipped == NULL ? NULL : patch_matrix(&t, c->patch_bytes, &failed);
  if (flipped == NULL || failed) {
    free(flipped);
    return NO_MEMORY("flipped filter or patch matrix");
  }
  for (int kh = 0; kh < g->KH; kh++)
    for (int kw = 0; kw < g->KW; kw++) {
      const float *w = c->b + ((size_t)kh * g->KW + kw) * g->C * g->CO;
      float *f = flipped + ((size_t)(g->KH - 1 - kh) * g->KW + (g->KW - 1 - kw)) * g->CO * g->C;
      for (int ci = 0; ci < g->C; ci++)
        for (int co = 0; co < g->CO; co++) f[(size_t)co * g->C + ci] = w[(size_t)ci * g->CO + co];
    }
  convolve(c->a, flipped, c->out, 0.0f, &t, c->patch_bytes, cols);
  free(cols);
  free(flipped);
  return NULL;
}

/** conv2dInputGrad(dy, filter, dx, geometry, patchBytes): dx = the transpose of patches() applied
 *  to dy × filterᵀ [B·OH·OW, KH·KW·C]; at stride 1 with fewer output than input channels, as a
 *  forward convolution of dy (input_grad_by_forward). */
static napi_value conv2d_input_grad(napi_env env, napi_callback_info info) {
  CONV_ARGUMENTS(INPUT_GRAD);
  if (!direct(g) && g->sh == 1 && g->sw == 1 && g->CO < g->C) return input_grad_by_forward(env, &c);
  int failed = 0;
  float *cols = patch_matrix(g, c.patch_bytes, &failed);
  if (failed) return NO_MEMORY("patch matrix");
  const int K = g->KH * g->KW * g->C, per_image = g->OH * g->OW, chunk = images_per_chunk(g, c.patch_bytes);
  if (cols != NULL) memset(c.out, 0, (size_t)g->B * g->H * g->W * g->C * sizeof(float));
  for (int b0 = 0; b0 < g->B; b0 += chunk) {
    const int nb = g->B - b0 < chunk ? g->B - b0 : chunk;
    const size_t first = (size_t)b0 * per_image;
    sgemm_(ROW_MAJOR, NO_TRANS, TRANS, nb * per_image, K, g->CO, 1.0f, c.a + first * g->CO, g->CO, c.b, g->CO, 0.0f,
           cols != NULL ? cols : c.out + first * K, K);
    if (cols != NULL) patches(c.out, g, b0, nb, cols, SCATTER_ADD);
  }
  free(cols);
  return NULL;
}

/** Raised with every change to these functions' arguments: openblas.ts refuses an addon built
 *  from an older openblas.c. */
#define ABI 3

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"load", NULL, load, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dFilterGrad", NULL, conv2d_filter_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dInputGrad", NULL, conv2d_input_grad, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 5, functions);
  napi_value abi;
  napi_create_int32(env, ABI, &abi);
  napi_set_named_property(env, exports, "abi", abi);
  return exports;
}
