// Image ops: shapes, values against direct loops and hand computations, errors, gradients
// against finite differences, and the same bits for 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <tuple>

#include "minidl/autograd.hpp"
#include "minidl_test/errors.hpp"

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;

namespace {
using Fn = std::function<Variable(const std::vector<Variable>&)>;
using Pair = Size2;

void expect_gradcheck(const Fn& f, const std::vector<Variable>& inputs, float rtol = 1e-2f, float atol = 1e-3f) {
  const GradcheckResult r = gradcheck(f, inputs, 1e-2f, rtol, atol);
  EXPECT_TRUE(r.ok) << r.message;
}

Variable random(const Shape& shape, uint64_t seed, bool requires_grad = true) {
  Generator gen(seed);
  return Variable(Tensor::normal(shape, 0, 1, gen), requires_grad);
}

// Distinct values 0.1 apart in random order: finite differences never swap a window's maximum.
Variable without_ties(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return Variable(Tensor::randperm(shape.numel(), gen).to(DType::Float32).mul_(0.1f).reshape(shape), true);
}

// conv2d as the definition reads: out[n,o,y,x] = b[o] + sum over the group's input channels and
// taps of w * the (zero-padded) input.
Tensor direct_conv2d(const Tensor& x, const Tensor& w, const Tensor& b, Pair s, Pair p, Pair d, int64_t groups) {
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0), kh = w.size(2), kw = w.size(3);
  const int64_t oh = (h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0] + 1, ow = (wd + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1] + 1;
  const int64_t cg = c / groups, og = o / groups;
  std::vector<float> out;
  for (int64_t ni = 0; ni < n; ++ni)
    for (int64_t oi = 0; oi < o; ++oi)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < ow; ++xx) {
          double acc = b.defined() ? b.at({oi}) : 0.0;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t iy = y * s[0] - p[0] + i * d[0], ix = xx * s[1] - p[1] + j * d[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                acc += double(w.at({oi, ci, i, j})) * x.at({ni, oi / og * cg + ci, iy, ix});
              }
          out.push_back(static_cast<float>(acc));
        }
  return Tensor::from(out, {n, o, oh, ow});
}

void expect_close(const Tensor& a, const Tensor& b, float tol = 1e-5f) {
  ASSERT_EQ(to_string(a.shape()), to_string(b.shape()));
  const auto av = a.to_vector(), bv = b.to_vector();
  for (size_t i = 0; i < av.size(); ++i) EXPECT_NEAR(av[i], bv[i], tol) << "element " << i;
}

// Runs f with 1 thread and with 2 and checks every tensor it returns is bitwise the same.
void expect_same_for_1_and_2_threads(const std::function<std::vector<Tensor>()>& f) {
  const int before = get_num_threads();
  set_num_threads(1);
  const std::vector<Tensor> one = f();
  set_num_threads(2);
  const std::vector<Tensor> two = f();
  set_num_threads(before);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(equal(one[i], two[i])) << "result " << i;
}
}  // namespace

// ---- conv2d ---------------------------------------------------------------------------------

TEST(Conv2d, matches_the_definition_with_stride_padding_dilation_and_groups) {
  struct Case {
    Shape x, w;
    Pair s, p, d;
    int64_t groups;
    bool bias;
    float weight_std = 1.0f;
  };
  const std::vector<Case> cases = {{{2, 3, 7, 6}, {4, 3, 3, 3}, {1, 1}, {0, 0}, {1, 1}, 1, true},
                                   {{2, 4, 9, 8}, {6, 2, 3, 2}, {2, 1}, {1, 2}, {2, 1}, 2, true},
                                   {{1, 6, 5, 5}, {6, 1, 3, 3}, {1, 2}, {1, 1}, {1, 1}, 6, false},
                                   {{3, 2, 6, 6}, {5, 2, 1, 1}, {2, 2}, {0, 0}, {1, 1}, 1, true},
                                   {{1, 2, 7, 9}, {2, 2, 2, 3}, {1, 2}, {1, 2}, {1, 2}, 1, true},
                                   // kernel columns that lie wholly in the padding
                                   {{1, 1, 3, 2}, {1, 1, 3, 7}, {1, 1}, {1, 3}, {1, 1}, 1, false},
                                   // wide rows, few taps (LeNet's first layer in small)
                                   {{2, 1, 20, 18}, {3, 1, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true},
                                   {{1, 2, 6, 19}, {2, 2, 2, 2}, {1, 1}, {0, 0}, {1, 1}, 1, false},
                                   // few channels (LeNet's second layer in small): two vectors of
                                   // output channels, rows split into runs, rows wholly in the padding
                                   {{2, 5, 9, 11}, {12, 5, 3, 3}, {1, 1}, {1, 2}, {1, 1}, 1, true},
                                   {{1, 3, 6, 30}, {5, 3, 2, 4}, {1, 1}, {3, 0}, {1, 1}, 1, true},
                                   // two to four vectors of channels with AVX-512 (ResNet's 32-channel
                                   // stage; small weights on a small image, bigger ones on 7x7), with
                                   // weights ~ 1/sqrt(fan_in) as a layer's, so that the sums stay near 1
                                   {{2, 32, 4, 4}, {32, 32, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true, 0.06f},
                                   {{2, 20, 5, 17}, {27, 20, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, false, 0.07f},
                                   {{2, 40, 4, 5}, {40, 40, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true, 0.05f},
                                   {{1, 50, 7, 7}, {60, 50, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true, 0.05f},
                                   // 1x1 kernels: many channels on a small image through the
                                   // channel loops, few on a wide one through im2col
                                   {{2, 32, 5, 6}, {40, 32, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1, true, 0.15f},
                                   {{2, 8, 3, 20}, {4, 8, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1, true},
                                   // ... and images of over 512 pixels, whose columns are the input
                                   {{2, 3, 24, 24}, {4, 3, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1, true},
                                   {{2, 4, 20, 30}, {6, 2, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 2, false},
                                   // tiny images, as one dense product (ResNet's last stages)
                                   {{3, 5, 2, 2}, {7, 5, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, true},
                                   {{2, 5, 3, 3}, {6, 5, 3, 3}, {2, 2}, {1, 1}, {1, 1}, 1, true},
                                   {{2, 3, 1, 1}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1, false},
                                   {{1, 2, 2, 3}, {3, 2, 2, 3}, {1, 2}, {1, 0}, {1, 1}, 1, true},
                                   // strided, few channels, kernels that divide into the stride's
                                   // phases with few zero taps: a stride-1 convolution of the phases
                                   // (ResNet's stem in small; rows and columns past the last
                                   // window; stride 3; unequal strides)
                                   {{2, 1, 12, 11}, {16, 1, 7, 7}, {2, 2}, {3, 3}, {1, 1}, 1, true},
                                   {{1, 2, 10, 9}, {5, 2, 4, 6}, {2, 3}, {0, 1}, {1, 1}, 1, false},
                                   {{2, 1, 14, 13}, {4, 1, 6, 6}, {3, 3}, {2, 1}, {1, 1}, 1, true},
                                   // ... and with many zero taps, through im2col
                                   {{2, 1, 11, 13}, {4, 1, 5, 5}, {3, 3}, {2, 1}, {1, 1}, 1, true},
                                   {{2, 4, 3, 3}, {6, 4, 3, 3}, {2, 2}, {1, 1}, {1, 1}, 1, true}};
  uint64_t seed = 0;
  for (const Case& c : cases) {
    const Variable x = random(c.x, ++seed), w(random(c.w, ++seed).data().mul_(c.weight_std));
    const Variable b = c.bias ? random({c.w[0]}, ++seed) : Variable();
    const Variable y = conv2d(x, w, b, c.s, c.p, c.d, c.groups);
    expect_close(y.data(), direct_conv2d(x.data(), w.data(), c.bias ? b.data() : Tensor(), c.s, c.p, c.d, c.groups));
  }
}

TEST(Conv2d, a_batch_gives_what_its_samples_give_one_at_a_time) {
  // 19 samples: chunks of 8 with several samples per GEMM, and a short last chunk. Small images
  // (many samples side by side) and a LeNet-sized one (one sample per GEMM).
  for (const auto& [x_shape, w_shape, padding] : std::vector<std::tuple<Shape, Shape, Pair>>{
           {{19, 3, 6, 5}, {4, 3, 3, 3}, {1, 0}}, {{19, 1, 28, 28}, {6, 1, 5, 5}, {2, 2}}}) {
    const Variable x = random(x_shape, 41), w = random(w_shape, 42), b = random({w_shape[0]}, 43);
    const Variable y = conv2d(x, w, b, {1, 1}, padding);
    const Tensor gy = random(y.shape(), 44, false).data();
    y.backward(gy);
    Tensor weight_grad = Tensor::zeros(w_shape);
    for (int64_t n = 0; n < x_shape[0]; ++n) {
      const Variable xn(x.data().narrow(0, n, 1).contiguous(), true), wn(w.data(), true), bn(b.data(), true);
      const Variable yn = conv2d(xn, wn, bn, {1, 1}, padding);
      expect_close(yn.data(), y.data().narrow(0, n, 1).contiguous());
      yn.backward(gy.narrow(0, n, 1).contiguous());
      expect_close(xn.grad(), x.grad().narrow(0, n, 1).contiguous());
      weight_grad.add_(wn.grad());
    }
    expect_close(w.grad(), weight_grad, 1e-3f);
  }
}

TEST(Conv2d, a_samples_input_gradient_has_the_same_bits_whatever_batch_it_is_in) {
  // Small inner layers (LeNet's second; a padded 3x3 one with rows of two runs) compute the input
  // gradient of several samples at once, one per vector lane: 19 are a full group and a short one.
  for (const auto& [x_shape, w_shape, padding] : std::vector<std::tuple<Shape, Shape, Pair>>{
           {{19, 6, 14, 14}, {16, 6, 5, 5}, {0, 0}}, {{19, 4, 9, 30}, {5, 4, 3, 3}, {1, 1}}}) {
    const Variable x = random(x_shape, 51), w = random(w_shape, 52);
    const Variable y = conv2d(x, w, Variable(), {1, 1}, padding, {1, 1}, 1, Activation::Sigmoid);
    const Tensor gy = random(y.shape(), 53, false).data();
    y.backward(gy);
    for (const int64_t n : {0, 7, 15, 16, 18}) {
      const Variable xn(x.data().narrow(0, n, 1).contiguous(), true);
      conv2d(xn, w.detach(), Variable(), {1, 1}, padding, {1, 1}, 1, Activation::Sigmoid)
          .backward(gy.narrow(0, n, 1).contiguous());
      EXPECT_TRUE(equal(xn.grad(), x.grad().narrow(0, n, 1).contiguous())) << "sample " << n;
    }
  }
}

TEST(Conv2d, output_size_is_floor_of_padded_extent_over_stride) {
  const Variable y = conv2d(Variable(Tensor::zeros({2, 1, 28, 28})), Variable(Tensor::zeros({6, 1, 5, 5})), Variable(),
                            {1, 1}, {2, 2});
  EXPECT_EQ(to_string(y.shape()), "[2, 6, 28, 28]");
  const Variable z = conv2d(Variable(Tensor::zeros({1, 2, 7, 8})), Variable(Tensor::zeros({3, 2, 3, 3})), Variable(),
                            {2, 3}, {0, 1}, {2, 1});
  EXPECT_EQ(to_string(z.shape()), "[1, 3, 2, 3]");  // (7-5)/2+1, (8+2-3)/3+1
}

TEST(Conv2d, one_number_for_a_size_means_both_dims_as_in_pytorch) {
  // F.conv2d(x, w, stride=2, padding=1) and F.max_pool2d(x, 2), whose stride is its kernel.
  const Variable x = random({2, 2, 7, 8}, 11), w = random({3, 2, 3, 3}, 12);
  EXPECT_EQ(conv2d(x, w, Variable(), 2, 1).data().to_vector(),
            conv2d(x, w, Variable(), {2, 2}, {1, 1}).data().to_vector());
  EXPECT_EQ(max_pool2d(x, 2).data().to_vector(), max_pool2d(x, {2, 2}, {2, 2}).data().to_vector());
  EXPECT_EQ(avg_pool2d(x, 3).shape(), (Shape{2, 2, 2, 2}));
  EXPECT_EQ(max_pool2d(x, 3, 2, 1).shape(), (Shape{2, 2, 4, 4}));
}

TEST(Conv2d, gradients_match_finite_differences) {
  struct Case {
    Shape x, w;
    Pair s, p, d;
    int64_t groups;
  };
  const std::vector<Case> cases = {{{2, 2, 5, 5}, {3, 2, 3, 3}, {1, 1}, {0, 0}, {1, 1}, 1},
                                   {{1, 2, 6, 5}, {2, 2, 3, 2}, {2, 1}, {1, 1}, {1, 1}, 1},
                                   {{1, 1, 7, 7}, {2, 1, 3, 3}, {1, 1}, {2, 1}, {2, 2}, 1},
                                   {{2, 4, 4, 4}, {4, 2, 2, 2}, {1, 2}, {1, 0}, {1, 1}, 2},
                                   // wide rows, few taps, with and without padding
                                   {{2, 1, 4, 18}, {2, 1, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
                                   {{1, 2, 3, 17}, {2, 2, 2, 2}, {1, 1}, {0, 0}, {1, 1}, 1},
                                   // few channels: two vectors of output channels; padding wider than the kernel;
                                   // an image row too wide for the input gradient's row-wise col2im
                                   {{2, 3, 4, 5}, {9, 3, 3, 2}, {1, 1}, {2, 1}, {1, 1}, 1},
                                   {{1, 2, 3, 4}, {3, 2, 2, 2}, {1, 1}, {2, 2}, {1, 1}, 1},
                                   {{1, 4, 3, 38}, {3, 4, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
                                   {{1, 4, 3, 38}, {3, 4, 3, 4}, {1, 1}, {1, 1}, {1, 1}, 1},
                                   {{1, 20, 4, 4}, {18, 20, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
                                   {{1, 40, 2, 5}, {36, 40, 1, 3}, {1, 1}, {0, 1}, {1, 1}, 1},
                                   // five-tap kernel rows: the loops that slide along an image row
                                   // take kernel rows in pairs and the fifth alone
                                   {{1, 2, 6, 7}, {4, 2, 5, 5}, {1, 1}, {1, 2}, {1, 1}, 1},
                                   // a 1x1 kernel on an image of over 512 pixels: the columns are the input
                                   {{2, 2, 23, 24}, {3, 2, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1},
                                   // tiny images: one dense product
                                   {{2, 3, 2, 2}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1}, 1},
                                   {{1, 5, 3, 3}, {3, 5, 3, 3}, {2, 2}, {1, 1}, {1, 1}, 1},
                                   // strided, few channels: through the phases, back to x and w
                                   {{1, 2, 3, 3}, {3, 2, 3, 3}, {2, 2}, {1, 1}, {1, 1}, 1},
                                   {{2, 1, 9, 8}, {3, 1, 7, 7}, {2, 2}, {3, 3}, {1, 1}, 1},
                                   {{1, 1, 8, 7}, {2, 1, 3, 2}, {3, 2}, {0, 1}, {1, 1}, 1},
                                   {{1, 2, 9, 10}, {3, 2, 4, 6}, {2, 3}, {1, 2}, {1, 1}, 1}};
  uint64_t seed = 10;
  for (const Case& c : cases) {
    const auto f = [c](const std::vector<Variable>& in) { return conv2d(in[0], in[1], in[2], c.s, c.p, c.d, c.groups); };
    expect_gradcheck(f, {random(c.x, ++seed), random(c.w, ++seed), random({c.w[0]}, ++seed)});
  }
}

TEST(Conv2d, computes_only_the_gradients_asked_for) {
  const Variable x = random({1, 1, 4, 4}, 1, false), w = random({2, 1, 3, 3}, 2);
  sum(conv2d(x, w)).backward();
  EXPECT_FALSE(x.grad().defined());
  EXPECT_EQ(to_string(w.grad().shape()), "[2, 1, 3, 3]");
}

TEST(Conv2d, an_empty_batch_gives_an_empty_output_and_zero_weight_gradients) {
  Variable x(Tensor::zeros({0, 2, 5, 5}), true), w(Tensor::ones({3, 2, 3, 3}), true), b(Tensor::ones({3}), true);
  Variable y = conv2d(x, w, b);
  EXPECT_EQ(to_string(y.shape()), "[0, 3, 3, 3]");
  sum(y).backward();
  EXPECT_EQ(to_string(x.grad().shape()), "[0, 2, 5, 5]");
  EXPECT_EQ(w.grad().to_vector(), std::vector<float>(54, 0.0f));
  EXPECT_EQ(b.grad().to_vector(), std::vector<float>(3, 0.0f));
}

TEST(Conv2d, rejects_channels_not_divisible_by_groups) {
  const std::string m = error_of<ShapeError>([] {
    conv2d(Variable(Tensor::zeros({1, 3, 5, 5})), Variable(Tensor::zeros({2, 1, 3, 3})), Variable(), {1, 1}, {0, 0},
           {1, 1}, 2);
  });
  expect_mentions(m, {"conv2d", "[1, 3, 5, 5]", "groups 2"});
}

TEST(Conv2d, rejects_a_kernel_larger_than_the_padded_input) {
  const std::string m = error_of<ShapeError>([] {
    conv2d(Variable(Tensor::zeros({1, 1, 4, 4})), Variable(Tensor::zeros({1, 1, 5, 5})), Variable(), {1, 1}, {0, 0});
  });
  expect_mentions(m, {"conv2d", "kernel_size [5, 5]", "[1, 1, 4, 4]", "padding [0, 0]"});
}

TEST(Conv2d, rejects_bad_arguments_naming_them) {
  const Variable x(Tensor::zeros({1, 2, 5, 5})), w(Tensor::zeros({1, 2, 3, 3}));
  expect_mentions(error_of<ValueError>([&] { conv2d(x, w, Variable(), {0, 1}); }), {"conv2d", "stride", "[0, 1]"});
  expect_mentions(error_of<ValueError>([&] { conv2d(x, w, Variable(), {1, 1}, {-1, 0}); }), {"conv2d", "padding"});
  expect_mentions(error_of<ValueError>([&] { conv2d(x, w, Variable(), {1, 1}, {0, 0}, {1, 0}); }), {"conv2d", "dilation"});
  expect_mentions(error_of<ValueError>([&] { conv2d(x, w, Variable(), {1, 1}, {0, 0}, {1, 1}, 0); }), {"conv2d", "groups"});
  expect_mentions(error_of<ShapeError>([&] { conv2d(x, Variable(Tensor::zeros({1, 3, 3, 3}))); }),
                  {"conv2d", "weight [1, 3, 3, 3]", "input [1, 2, 5, 5]"});
  expect_mentions(error_of<ShapeError>([&] { conv2d(x, w, Variable(Tensor::zeros({2}))); }), {"conv2d", "bias [2]"});
  expect_mentions(error_of<ShapeError>([&] { conv2d(Variable(Tensor::zeros({2, 5, 5})), w); }), {"conv2d", "[2, 5, 5]", "4-D"});
}

TEST(Conv2d, forward_and_backward_are_bit_identical_for_1_and_2_threads) {
  // A batch of 61: eight chunks of the weight gradient and a short one. LeNet's two layers, each
  // through its direct loops (the first here with dx too), one through im2col + sgemm, one tiny
  // image through a dense product, ResNet's stem through its phases and a 1x1 kernel whose columns
  // are the input.
  for (const auto& [x_shape, w_shape, stride, padding] : std::vector<std::tuple<Shape, Shape, Pair, Pair>>{
           {{61, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}},
           {{61, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}},
           {{61, 17, 6, 6}, {4, 17, 3, 3}, {1, 1}, {1, 1}},
           {{61, 24, 2, 2}, {40, 24, 3, 3}, {1, 1}, {1, 1}},
           {{61, 32, 4, 4}, {32, 32, 3, 3}, {1, 1}, {1, 1}},
           {{61, 64, 7, 7}, {64, 64, 3, 3}, {1, 1}, {1, 1}},
           {{61, 1, 28, 28}, {16, 1, 7, 7}, {2, 2}, {3, 3}},
           {{61, 16, 28, 28}, {8, 16, 1, 1}, {1, 1}, {0, 0}}}) {
    const Variable x0 = random(x_shape, 21), w0 = random(w_shape, 22), b0 = random({w_shape[0]}, 23);
    const Variable y0 = conv2d(x0, w0, b0, stride, padding);
    const Tensor g = random(y0.shape(), 24).data();
    expect_same_for_1_and_2_threads([&] {
      Variable x(x0.data(), true), w(w0.data(), true), b(b0.data(), true);
      Variable y = conv2d(x, w, b, stride, padding);
      y.backward(g);
      return std::vector<Tensor>{y.data(), x.grad(), w.grad(), b.grad()};
    });
    // With a sigmoid and x without a gradient: the first layer's fused weight and bias gradients.
    expect_same_for_1_and_2_threads([&] {
      Variable w(w0.data(), true), b(b0.data(), true);
      Variable y = conv2d(x0.detach(), w, b, stride, padding, {1, 1}, 1, Activation::Sigmoid);
      y.backward(g);
      return std::vector<Tensor>{y.data(), w.grad(), b.grad()};
    });
    // With a sigmoid and a 2x2 average pool: d2l's LeNet blocks.
    const Tensor pooled_g = random({y0.size(0), y0.size(1), y0.size(2) / 2, y0.size(3) / 2}, 25).data();
    expect_same_for_1_and_2_threads([&] {
      Variable x(x0.data(), true), w(w0.data(), true), b(b0.data(), true);
      Variable y = conv2d(x, w, b, stride, padding, {1, 1}, 1, Activation::Sigmoid, 2);
      y.backward(pooled_g);
      return std::vector<Tensor>{y.data(), x.grad(), w.grad(), b.grad()};
    });
  }
}

// A fused convolution's output and gradients (y, dx or undefined, dw, db) against those of the
// separate ops: the same bits, but for the bias gradient, which sums the same terms in another order.
void expect_fused_as_separate(const std::tuple<Tensor, Tensor, Tensor, Tensor>& fused,
                              const std::tuple<Tensor, Tensor, Tensor, Tensor>& separate) {
  const auto& [y, dx, dw, db] = fused;
  const auto& [y_ref, dx_ref, dw_ref, db_ref] = separate;
  EXPECT_EQ(y.shape(), y_ref.shape());
  EXPECT_EQ(y.to_vector(), y_ref.to_vector());
  if (dx_ref.defined()) {
    EXPECT_EQ(dx.to_vector(), dx_ref.to_vector());
  }
  EXPECT_EQ(dw.to_vector(), dw_ref.to_vector());
  EXPECT_TRUE(allclose(db, db_ref, 1e-5f, 1e-5f)) << db << db_ref;
}

TEST(Conv2d, with_an_activation_gives_what_the_activation_after_it_gives) {
  // LeNet's two layers through their direct loops (the first with and without dx: without, its
  // weight and bias gradients read the activation's slope as they read the gradient), a layer
  // through im2col + sgemm and a 1x1 layer whose columns are the input.
  for (const auto& [x_shape, w_shape, padding, input_grad] : std::vector<std::tuple<Shape, Shape, Pair, bool>>{
           {{9, 1, 28, 28}, {6, 1, 5, 5}, {2, 2}, false},
           {{9, 1, 28, 28}, {6, 1, 5, 5}, {2, 2}, true},
           {{9, 6, 14, 14}, {16, 6, 5, 5}, {0, 0}, true},
           {{9, 17, 6, 6}, {4, 17, 3, 3}, {1, 1}, true},
           {{9, 16, 28, 28}, {8, 16, 1, 1}, {0, 0}, true}})
    for (const auto& [activation, apply] : std::vector<std::pair<Activation, Variable (*)(const Variable&)>>{
             {Activation::Sigmoid, &sigmoid}, {Activation::ReLU, &relu}}) {
      SCOPED_TRACE(to_string(x_shape) + (activation == Activation::Sigmoid ? " sigmoid" : " relu"));
      const Tensor g = random({x_shape[0], w_shape[0], x_shape[2] + 2 * padding[0] - w_shape[2] + 1,
                               x_shape[3] + 2 * padding[1] - w_shape[3] + 1},
                              31)
                           .data();
      const auto run = [&](bool fused) {
        Variable x(random(x_shape, 32).data(), input_grad), w(random(w_shape, 33).data(), true),
            b(random({w_shape[0]}, 34).data(), true);
        Variable y = fused ? conv2d(x, w, b, {1, 1}, padding, {1, 1}, 1, activation)
                           : apply(conv2d(x, w, b, {1, 1}, padding));
        y.backward(g);
        return std::tuple{y.data(), input_grad ? x.grad() : Tensor(), w.grad(), b.grad()};
      };
      expect_fused_as_separate(run(true), run(false));
    }
}

TEST(Conv2d, with_an_average_pool_gives_what_the_pool_after_it_gives) {
  // Each way of computing the convolution with rows of 16 columns or more, which it pools
  // itself: the direct loops (LeNet's first layer, with and without dx), the channel loops and
  // im2col + sgemm; outputs whose last row and column fill no window (27 x 29, 17 x 17), which
  // the pool leaves out and whose gradient is 0. Narrower rows (LeNet's second layer) are pooled
  // by avg_pool2d after the convolution.
  for (const auto& [x_shape, w_shape, padding, input_grad] : std::vector<std::tuple<Shape, Shape, Pair, bool>>{
           {{9, 1, 28, 28}, {6, 1, 5, 5}, {2, 2}, false},
           {{9, 1, 27, 29}, {6, 1, 5, 5}, {2, 2}, true},
           {{5, 6, 20, 20}, {16, 6, 5, 5}, {0, 0}, true},
           {{5, 6, 21, 21}, {16, 6, 5, 5}, {0, 0}, true},
           {{5, 17, 18, 18}, {4, 17, 3, 3}, {1, 1}, true},
           {{9, 6, 14, 14}, {16, 6, 5, 5}, {0, 0}, true}})
    for (const int64_t pool : {2, 3})
      for (const auto& [activation, apply] : std::vector<std::pair<Activation, Variable (*)(const Variable&)>>{
               {Activation::None, nullptr}, {Activation::Sigmoid, &sigmoid}, {Activation::ReLU, &relu}}) {
        SCOPED_TRACE(to_string(x_shape) + " pool " + std::to_string(pool) + " activation " +
                     std::to_string(static_cast<int>(activation)));
        const int64_t out_h = x_shape[2] + 2 * padding[0] - w_shape[2] + 1, out_w = x_shape[3] + 2 * padding[1] - w_shape[3] + 1;
        const Tensor g = random({x_shape[0], w_shape[0], out_h / pool, out_w / pool}, 35).data();
        const auto run = [&](bool fused) {
          Variable x(random(x_shape, 36).data(), input_grad), w(random(w_shape, 37).data(), true),
              b(random({w_shape[0]}, 38).data(), true);
          Variable y;
          if (fused) {
            y = conv2d(x, w, b, {1, 1}, padding, {1, 1}, 1, activation, pool);
          } else {
            const Variable c = conv2d(x, w, b, {1, 1}, padding);
            y = avg_pool2d(apply ? apply(c) : c, {pool, pool}, {pool, pool});
          }
          y.backward(g);
          return std::tuple{y.data(), input_grad ? x.grad() : Tensor(), w.grad(), b.grad()};
        };
        expect_fused_as_separate(run(true), run(false));
      }
}

TEST(Conv2d, an_average_pool_larger_than_the_output_is_a_shape_error) {
  const Variable x = random({1, 1, 6, 20}, 39), w = random({2, 1, 3, 3}, 40);
  EXPECT_THROW(conv2d(x, w, Variable(), {1, 1}, {0, 0}, {1, 1}, 1, Activation::Sigmoid, 5), ShapeError);
  EXPECT_THROW(conv2d(x, w, Variable(), {1, 1}, {0, 0}, {1, 1}, 1, Activation::Sigmoid, 0), ValueError);
}

TEST(Conv2d, with_an_activation_gradients_match_finite_differences) {
  const auto fused = [](Activation a, Pair padding) {
    return [a, padding](const std::vector<Variable>& in) {
      return conv2d(in[0], in[1], in[2], {1, 1}, padding, {1, 1}, 1, a);
    };
  };
  expect_gradcheck(fused(Activation::Sigmoid, {1, 1}), {random({2, 1, 4, 18}, 41), random({2, 1, 3, 3}, 42), random({2}, 43)});
  expect_gradcheck(fused(Activation::Sigmoid, {0, 0}), {random({1, 2, 6, 7}, 44), random({4, 2, 5, 5}, 45), random({4}, 46)});
  // Only the weight and bias need gradients: the first layer's fused backward.
  const Variable x = random({2, 1, 4, 18}, 47, false);
  expect_gradcheck([&](const std::vector<Variable>& in) { return fused(Activation::Sigmoid, {1, 1})({x, in[0], in[1]}); },
                   {random({2, 1, 3, 3}, 48), random({2}, 49)});
}

TEST(Conv2d, with_an_activation_and_an_average_pool_gradients_match_finite_differences) {
  const auto fused = [](Pair padding, int64_t pool) {
    return [padding, pool](const std::vector<Variable>& in) {
      return conv2d(in[0], in[1], in[2], {1, 1}, padding, {1, 1}, 1, Activation::Sigmoid, pool);
    };
  };
  // The direct loops (5 x 18 outputs: the last row fills no window) and the channel loops.
  expect_gradcheck(fused({1, 1}, 2), {random({2, 1, 5, 18}, 50), random({2, 1, 3, 3}, 51), random({2}, 52)});
  expect_gradcheck(fused({0, 0}, 2), {random({1, 2, 8, 9}, 53), random({4, 2, 5, 5}, 54), random({4}, 55)});
}

// ---- pooling --------------------------------------------------------------------------------

TEST(Pooling, max_pool2d_takes_each_windows_maximum_and_routes_the_gradient_to_it) {
  Variable x(Tensor::from({1, 5, 2, 0, 3, 4, 8, 7, 6}).reshape({1, 1, 3, 3}), true);
  Variable y = max_pool2d(x, {2, 2}, {1, 1});
  EXPECT_EQ(y.data().to_vector(), (std::vector<float>{5, 5, 8, 7}));
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0, 2, 0, 0, 0, 0, 1, 1, 0}));  // 5 is in two windows
}

TEST(Pooling, max_pool2d_pads_with_minus_infinity) {
  Variable x(Tensor::full({1, 1, 2, 2}, -3.0f));
  EXPECT_EQ(max_pool2d(x, {3, 3}, {2, 2}, {1, 1}).data().to_vector(), (std::vector<float>{-3}));
}

TEST(Pooling, max_pool2d_agrees_with_the_definition_for_any_stride_width_nan_and_ties) {
  // Rows wider than a vector (37 columns), strides 1, 2 (vector loops) and 3 (window by window),
  // padding; values with ties, -inf and NaN, where PyTorch takes the first maximum in window
  // order and the last NaN.
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (const auto& [k, s, p] : {std::tuple{Pair{3, 3}, Pair{2, 2}, Pair{1, 1}}, std::tuple{Pair{2, 3}, Pair{1, 1}, Pair{0, 1}},
                                std::tuple{Pair{3, 2}, Pair{1, 3}, Pair{1, 1}}, std::tuple{Pair{1, 1}, Pair{2, 2}, Pair{0, 0}}}) {
    const int64_t h = 9, w = 37;
    Generator gen(7);
    std::vector<float> v(static_cast<size_t>(2 * h * w));
    for (float& e : v) e = std::round(gen.uniform() * 6.0f);  // many ties
    v[5] = nan, v[40] = -inf, v[41] = -inf, v[300] = nan, v[301] = nan, v[2 * h * w - 1] = inf;
    Variable x(Tensor::from(v, {1, 2, h, w}), true);
    Variable y = max_pool2d(x, k, s, p);
    const int64_t oh = y.shape()[2], ow = y.shape()[3];
    std::vector<float> expected, counts(v.size(), 0.0f);
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          float best = -inf;
          int64_t at = -1;
          for (int64_t y0 = oy * s[0] - p[0]; y0 < oy * s[0] - p[0] + k[0]; ++y0)
            for (int64_t x0 = ox * s[1] - p[1]; x0 < ox * s[1] - p[1] + k[1]; ++x0) {
              if (y0 < 0 || y0 >= h || x0 < 0 || x0 >= w) continue;
              const int64_t i = (c * h + y0) * w + x0;
              if (at < 0) at = i;
              if (v[i] > best || std::isnan(v[i])) best = v[i], at = i;
            }
          expected.push_back(best);
          counts[static_cast<size_t>(at)] += 1.0f;
        }
    const std::vector<float> got = y.data().to_vector();
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_TRUE(got[i] == expected[i] || (std::isnan(got[i]) && std::isnan(expected[i]))) << "output " << i;
    sum(y).backward();
    EXPECT_EQ(x.grad().to_vector(), counts) << "the gradient goes where each maximum came from";
  }
}

TEST(Pooling, avg_pool2d_without_padding_averages_every_window_including_overlapping_ones) {
  // Windows that tile the plane (even and wider strides), leave a remainder (floor mode) or
  // overlap (stride < kernel), against the definition; the gradient spreads each output's share
  // over its window. Rows of 70 give 2x2 windows 35 outputs a row: whole vectors and a tail.
  for (const auto& [kernel, stride, h, w] :
       std::vector<std::tuple<Pair, Pair, int64_t, int64_t>>{{{2, 2}, {2, 2}, 8, 8},
                                                            {{1, 4}, {1, 4}, 7, 8},
                                                            {{2, 2}, {2, 2}, 7, 8},
                                                            {{2, 2}, {2, 2}, 6, 70},
                                                            {{2, 2}, {2, 2}, 5, 71},
                                                            {{3, 2}, {1, 2}, 7, 8},
                                                            {{3, 3}, {2, 2}, 7, 8}}) {
    const Variable x = random({2, 3, h, w}, 51);
    const Variable y = avg_pool2d(x, kernel, stride);
    const int64_t oh = (h - kernel[0]) / stride[0] + 1, ow = (w - kernel[1]) / stride[1] + 1;
    ASSERT_EQ(to_string(y.shape()), to_string(Shape{2, 3, oh, ow}));
    const Tensor gy = random(y.shape(), 52, false).data();
    y.backward(gy);
    std::vector<double> dx(static_cast<size_t>(2 * 3 * h * w), 0.0);
    const float scale = 1.0f / static_cast<float>(kernel[0] * kernel[1]);
    for (int64_t p = 0; p < 6; ++p)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double sum = 0;
          for (int64_t i = 0; i < kernel[0]; ++i)
            for (int64_t j = 0; j < kernel[1]; ++j) {
              sum += x.data().at({p / 3, p % 3, oy * stride[0] + i, ox * stride[1] + j});
              dx[static_cast<size_t>((p * h + oy * stride[0] + i) * w + ox * stride[1] + j)] +=
                  gy.at({p / 3, p % 3, oy, ox}) * scale;
            }
          EXPECT_NEAR(y.data().at({p / 3, p % 3, oy, ox}), sum * scale, 1e-5);
        }
    expect_close(x.grad(), Tensor::from(std::vector<float>(dx.begin(), dx.end()), {2, 3, h, w}));
  }
}

TEST(Pooling, avg_pool2d_counts_padding_only_when_asked) {
  Variable x(Tensor::ones({1, 1, 2, 2}));
  EXPECT_EQ(avg_pool2d(x, {2, 2}, {2, 2}, {1, 1}, true).data().to_vector(), (std::vector<float>{0.25f, 0.25f, 0.25f, 0.25f}));
  EXPECT_EQ(avg_pool2d(x, {2, 2}, {2, 2}, {1, 1}, false).data().to_vector(), (std::vector<float>{1, 1, 1, 1}));
}

TEST(Pooling, adaptive_avg_pool2d_uses_overlapping_windows_when_sizes_do_not_divide) {
  // 5 -> 3: windows [0, 2), [1, 4), [3, 5) along each axis.
  Variable x(Tensor::arange(5).reshape({1, 1, 1, 5}), true);
  Variable y = adaptive_avg_pool2d(x, {1, 3});
  EXPECT_EQ(y.data().to_vector(), (std::vector<float>{0.5f, 2.0f, 3.5f}));
  sum(y).backward();
  const std::vector<float> expected{0.5f, 0.5f + 1 / 3.f, 1 / 3.f, 1 / 3.f + 0.5f, 0.5f};
  expect_close(x.grad(), Tensor::from(expected, {1, 1, 1, 5}), 1e-6f);
}

TEST(Pooling, gradients_match_finite_differences) {
  expect_gradcheck([](auto& in) { return max_pool2d(in[0], {2, 2}, {2, 2}); }, {without_ties({2, 2, 4, 4}, 1)});
  expect_gradcheck([](auto& in) { return max_pool2d(in[0], {3, 2}, {2, 1}, {1, 1}); }, {without_ties({1, 2, 5, 6}, 2)});
  expect_gradcheck([](auto& in) { return avg_pool2d(in[0], {3, 3}, {2, 2}, {1, 1}, true); }, {random({2, 2, 5, 5}, 3)});
  expect_gradcheck([](auto& in) { return avg_pool2d(in[0], {3, 2}, {1, 2}, {1, 1}, false); }, {random({1, 2, 5, 6}, 4)});
  expect_gradcheck([](auto& in) { return adaptive_avg_pool2d(in[0], {3, 2}); }, {random({2, 2, 7, 5}, 5)});
}

TEST(Pooling, an_empty_batch_gives_empty_outputs_and_gradients) {
  Variable x(Tensor::zeros({0, 2, 4, 4}), true);
  Variable y = max_pool2d(x, {2, 2}, {2, 2}) + avg_pool2d(x, {2, 2}, {2, 2}) + adaptive_avg_pool2d(x, {2, 2});
  EXPECT_EQ(to_string(y.shape()), "[0, 2, 2, 2]");
  sum(y).backward();
  EXPECT_EQ(to_string(x.grad().shape()), "[0, 2, 4, 4]");
}

TEST(Pooling, rejects_windows_that_do_not_fit) {
  const Variable x(Tensor::zeros({1, 1, 3, 3}));
  expect_mentions(error_of<ShapeError>([&] { max_pool2d(x, {4, 4}, {1, 1}); }), {"max_pool2d", "kernel_size [4, 4]", "[1, 1, 3, 3]"});
  expect_mentions(error_of<ValueError>([&] { avg_pool2d(x, {2, 2}, {2, 2}, {2, 2}); }),
                  {"avg_pool2d", "padding [2, 2]", "half of kernel_size [2, 2]"});
  expect_mentions(error_of<ValueError>([&] { avg_pool2d(x, {2, 2}, {0, 2}); }), {"avg_pool2d", "stride"});
  expect_mentions(error_of<ValueError>([&] { adaptive_avg_pool2d(x, {0, 1}); }), {"adaptive_avg_pool2d", "output_size"});
  expect_mentions(error_of<ShapeError>([&] { max_pool2d(Variable(Tensor::zeros({3, 3})), {2, 2}, {2, 2}); }),
                  {"max_pool2d", "[3, 3]", "4-D"});
}

TEST(Pooling, results_are_bit_identical_for_1_and_2_threads) {
  const Variable x0 = random({64, 6, 28, 28}, 31);
  expect_same_for_1_and_2_threads([&] {
    Variable x(x0.data(), true);
    Variable y = avg_pool2d(x, {2, 2}, {2, 2}) + max_pool2d(x, {2, 2}, {2, 2}) + adaptive_avg_pool2d(x, {14, 14});
    sum(y).backward();
    return std::vector<Tensor>{y.data(), x.grad()};
  });
}

// ---- batch_norm -----------------------------------------------------------------------------

TEST(BatchNorm, training_normalises_each_channel_with_the_batch_statistics) {
  const Variable x = random({16, 3, 4, 4}, 41, false);
  const Variable y = batch_norm(x, Variable(), Variable(), nullptr, nullptr, true, 0.1, 0.0);
  const Tensor per_channel = y.data().transpose(0, 1).reshape({3, -1});
  expect_close(mean(per_channel, 1), Tensor::zeros({3}), 1e-5f);
  expect_close(mean(mul(per_channel, per_channel), 1), Tensor::ones({3}), 1e-4f);
}

TEST(BatchNorm, training_updates_running_statistics_with_the_unbiased_variance) {
  // Channel 0 holds 1, 2, 3, 4: mean 2.5, unbiased variance 5/3; channel 1 holds 0, 0, 2, 2.
  const Variable x(Tensor::from({{1, 0}, {2, 0}, {3, 2}, {4, 2}}));
  Tensor running_mean = Tensor::zeros({2}), running_var = Tensor::ones({2});
  batch_norm(x, Variable(), Variable(), &running_mean, &running_var, true, 0.1, 1e-5);
  expect_close(running_mean, Tensor::from({0.25f, 0.1f}), 1e-6f);
  expect_close(running_var, Tensor::from({0.9f + 0.1f * 5 / 3.f, 0.9f + 0.1f * 4 / 3.f}), 1e-6f);
}

TEST(BatchNorm, evaluation_normalises_with_the_running_statistics_and_leaves_them) {
  Variable x(Tensor::from({{3, 1}, {5, -1}}), true);
  Variable w(Tensor::from({2, 1}), true), b(Tensor::from({1, 0}), true);
  Tensor running_mean = Tensor::from({1, 0}), running_var = Tensor::from({4, 1});
  Variable y = batch_norm(x, w, b, &running_mean, &running_var, false, 0.1, 0.0);
  EXPECT_EQ(y.data().to_vector(), (std::vector<float>{3, 1, 5, -1}));  // (x - 1) / 2 * 2 + 1, x
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{1, 1, 1, 1}));  // w / sqrt(var): the statistics are constants
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{3, 0}));        // sum of (x - mean) / sqrt(var)
  EXPECT_EQ(b.grad().to_vector(), (std::vector<float>{2, 2}));
  EXPECT_EQ(running_mean.to_vector(), (std::vector<float>{1, 0}));
  EXPECT_EQ(running_var.to_vector(), (std::vector<float>{4, 1}));
}

TEST(BatchNorm, gradients_match_finite_differences) {
  // Tolerances a little wider than the default: float32 differences of normalised values cancel.
  expect_gradcheck([](auto& in) { return batch_norm(in[0], in[1], in[2], nullptr, nullptr, true, 0.1, 1e-5); },
                   {random({6, 3}, 51), random({3}, 52), random({3}, 53)}, 2e-2f, 2e-3f);
  expect_gradcheck([](auto& in) { return batch_norm(in[0], in[1], in[2], nullptr, nullptr, true, 0.1, 1e-5); },
                   {random({3, 2, 3, 3}, 54), random({2}, 55), random({2}, 56)}, 2e-2f, 2e-3f);
  expect_gradcheck([](auto& in) { return batch_norm(in[0], Variable(), Variable(), nullptr, nullptr, true, 0.1, 1e-5); },
                   {random({4, 2, 2, 2}, 57)}, 2e-2f, 2e-3f);
  Tensor rm = Tensor::from({0.5f, -0.5f}), rv = Tensor::from({2.0f, 0.5f});
  expect_gradcheck([&](auto& in) { return batch_norm(in[0], in[1], in[2], &rm, &rv, false, 0.1, 1e-5); },
                   {random({3, 2, 2, 2}, 58), random({2}, 59), random({2}, 60)});
}

TEST(BatchNorm, rejects_what_pytorch_rejects) {
  expect_mentions(error_of<ValueError>([] {
                    batch_norm(Variable(Tensor::zeros({1, 3})), Variable(), Variable(), nullptr, nullptr, true, 0.1, 1e-5);
                  }),
                  {"batch_norm", "more than 1 value per channel", "[1, 3]"});
  expect_mentions(error_of<ValueError>([] {
                    batch_norm(Variable(Tensor::zeros({2, 3})), Variable(), Variable(), nullptr, nullptr, false, 0.1, 1e-5);
                  }),
                  {"batch_norm", "running_mean"});
  expect_mentions(error_of<ShapeError>([] {
                    batch_norm(Variable(Tensor::zeros({2, 3})), Variable(Tensor::ones({4})), Variable(), nullptr, nullptr,
                               true, 0.1, 1e-5);
                  }),
                  {"batch_norm", "weight [4]", "[2, 3]"});
  Tensor wrong = Tensor::zeros({2});
  expect_mentions(error_of<ShapeError>([&] {
                    batch_norm(Variable(Tensor::zeros({2, 3})), Variable(), Variable(), &wrong, nullptr, true, 0.1, 1e-5);
                  }),
                  {"batch_norm", "running_mean [2]"});
}

TEST(BatchNorm, with_an_activation_gives_the_bits_of_the_activation_after_it) {
  for (const Shape& shape : {Shape{8, 3, 5, 7}, Shape{16, 5}})
    for (const bool training : {true, false})
      for (const auto& [activation, apply] : std::vector<std::pair<Activation, Variable (*)(const Variable&)>>{
               {Activation::Sigmoid, &sigmoid}, {Activation::ReLU, &relu}}) {
        SCOPED_TRACE(to_string(shape) + (training ? " training" : " evaluation"));
        const Tensor g = random(shape, 71).data();
        const auto run = [&](bool fused) {
          Variable x(random(shape, 72).data(), true), w(random({shape[1]}, 73).data(), true),
              b(random({shape[1]}, 74).data(), true);
          Tensor rm = Tensor::zeros({shape[1]}), rv = Tensor::ones({shape[1]});
          Variable y = fused ? batch_norm(x, w, b, &rm, &rv, training, 0.1, 1e-5, activation)
                             : apply(batch_norm(x, w, b, &rm, &rv, training, 0.1, 1e-5));
          y.backward(g);
          return std::vector<Tensor>{y.data(), x.grad(), w.grad(), b.grad(), rm, rv};
        };
        const std::vector<Tensor> fused = run(true), separate = run(false);
        for (size_t i = 0; i < fused.size(); ++i) EXPECT_EQ(fused[i].to_vector(), separate[i].to_vector()) << i;
      }
  expect_gradcheck(
      [](auto& in) { return batch_norm(in[0], in[1], in[2], nullptr, nullptr, true, 0.1, 1e-5, Activation::Sigmoid); },
      {random({4, 2, 3, 3}, 75), random({2}, 76), random({2}, 77)});
}

TEST(BatchNorm, results_are_bit_identical_for_1_and_2_threads) {
  const Variable x0 = random({64, 6, 28, 28}, 61), w0 = random({6}, 62), b0 = random({6}, 63);
  const Tensor g = random({64, 6, 28, 28}, 64).data();
  expect_same_for_1_and_2_threads([&] {
    Variable x(x0.data(), true), w(w0.data(), true), b(b0.data(), true);
    Tensor rm = Tensor::zeros({6}), rv = Tensor::ones({6});
    Variable y = batch_norm(x, w, b, &rm, &rv, true, 0.1, 1e-5);
    y.backward(g);
    return std::vector<Tensor>{y.data(), x.grad(), w.grad(), b.grad(), rm, rv};
  });
}

// ---- layer_norm -----------------------------------------------------------------------------

TEST(LayerNorm, normalises_over_the_trailing_dims) {
  const Variable x(Tensor::from({{1, 3}, {10, 30}}).reshape({2, 1, 2}));
  const Variable y = layer_norm(x, {1, 2}, Variable(), Variable(), 0.0);
  EXPECT_EQ(y.data().to_vector(), (std::vector<float>{-1, 1, -1, 1}));
}

TEST(LayerNorm, gradients_match_finite_differences) {
  expect_gradcheck([](auto& in) { return layer_norm(in[0], {4}, in[1], in[2], 1e-5); },
                   {random({3, 4}, 71), random({4}, 72), random({4}, 73)}, 2e-2f, 2e-3f);
  expect_gradcheck([](auto& in) { return layer_norm(in[0], {2, 3}, in[1], Variable(), 1e-5); },
                   {random({2, 2, 3}, 74), random({2, 3}, 75)}, 2e-2f, 2e-3f);
}

TEST(LayerNorm, rejects_a_shape_that_is_not_the_inputs_trailing_dims) {
  expect_mentions(error_of<ShapeError>([] { layer_norm(Variable(Tensor::zeros({2, 3})), {2}, Variable(), Variable(), 1e-5); }),
                  {"layer_norm", "normalized_shape [2]", "[2, 3]"});
  expect_mentions(error_of<ShapeError>([] {
                    layer_norm(Variable(Tensor::zeros({2, 3})), {3}, Variable(Tensor::ones({2})), Variable(), 1e-5);
                  }),
                  {"layer_norm", "weight [2]"});
}

TEST(LayerNorm, results_are_bit_identical_for_1_and_2_threads) {
  const Variable x0 = random({4096, 84}, 81), w0 = random({84}, 82);
  expect_same_for_1_and_2_threads([&] {
    Variable x(x0.data(), true), w(w0.data(), true);
    Variable y = layer_norm(x, {84}, w, Variable(), 1e-5);
    sum(mul(y, y)).backward();
    return std::vector<Tensor>{y.data(), x.grad(), w.grad()};
  });
}
