// How the trainer's lines and progress bar write a duration.
#include <gtest/gtest.h>

#include "minidl/experiment/progress.hpp"

using minidl::experiment::duration_text;

TEST(DurationText, ThreeDigitsInTheUnitThatSuits) {
  EXPECT_EQ(duration_text(310e-6), "310us");
  EXPECT_EQ(duration_text(0.0482), "48.2ms");
  EXPECT_EQ(duration_text(1.25), "1.25s");
  EXPECT_EQ(duration_text(59.4), "59.4s");
}

TEST(DurationText, AValueThatRoundsUpToTheNextUnitIsWrittenInIt) {
  // Three digits of 999.6 microseconds are 1000: "1e+03us" before.
  EXPECT_EQ(duration_text(999.6e-6), "1ms");
  EXPECT_EQ(duration_text(0.99996), "1s");
  EXPECT_EQ(duration_text(999.4e-6), "999us");
}

TEST(DurationText, FromAMinuteUpInMinutesHoursAndWholeSeconds) {
  // 1234 s was "1.23e+03s".
  EXPECT_EQ(duration_text(1234.4), "20m 34s");
  EXPECT_EQ(duration_text(59.97), "1m 00s");
  EXPECT_EQ(duration_text(3 * 3600 + 7 * 60 + 12), "3h 07m 12s");
}

TEST(DurationText, NothingLeftIsZeroSeconds) { EXPECT_EQ(duration_text(0.0), "0s"); }
