// Parameter-name patterns (a param group's `params`): shell-style globs over the whole name,
// where `*` is any run of characters (dots included) and `?` exactly one character.
#include <gtest/gtest.h>

#include "minidl/experiment/optimizer_builder.hpp"

using minidl::experiment::matches_pattern;

TEST(MatchesPattern, APlainNameMatchesOnlyItself) {
  EXPECT_TRUE(matches_pattern("0.weight", "0.weight"));
  EXPECT_FALSE(matches_pattern("0.weight", "0.weigh"));
  EXPECT_FALSE(matches_pattern("0.weight", "10.weight")) << "the whole name, not a part of it";
  EXPECT_FALSE(matches_pattern("0.weight", "0.weight.x"));
}

TEST(MatchesPattern, StarIsAnyRunOfCharactersIncludingDotsAndNone) {
  EXPECT_TRUE(matches_pattern("*.bias", "2.bias"));
  EXPECT_TRUE(matches_pattern("*.bias", "encoder.layers.2.bias")) << "a star crosses dots";
  EXPECT_TRUE(matches_pattern("*.bias", ".bias")) << "a star may match nothing";
  EXPECT_FALSE(matches_pattern("*.bias", "2.bias.grad"));
  EXPECT_TRUE(matches_pattern("*", "anything.at.all"));
  EXPECT_TRUE(matches_pattern("*", ""));
  EXPECT_TRUE(matches_pattern("0.**", "0.weight")) << "stars in a row are one star";
}

TEST(MatchesPattern, QuestionMarkIsExactlyOneCharacter) {
  EXPECT_TRUE(matches_pattern("?.weight", "0.weight"));
  EXPECT_FALSE(matches_pattern("?.weight", "10.weight"));
  EXPECT_FALSE(matches_pattern("?.weight", ".weight"));
}

TEST(MatchesPattern, AStarBacktracksToFindALaterMatch) {
  EXPECT_TRUE(matches_pattern("*.weight", "0.weight.1.weight"));
  EXPECT_TRUE(matches_pattern("a*b*c", "abcbc"));
  EXPECT_TRUE(matches_pattern("*ab", "aab"));
  EXPECT_FALSE(matches_pattern("a*b*c", "acb"));
}

TEST(MatchesPattern, OtherCharactersAreLiteral) {
  EXPECT_TRUE(matches_pattern("[0-9].weight", "[0-9].weight")) << "no character classes";
  EXPECT_FALSE(matches_pattern("[0-9].weight", "0.weight"));
  EXPECT_FALSE(matches_pattern("Weight", "weight")) << "case matters";
}

TEST(MatchesPattern, AnEmptyPatternMatchesOnlyTheEmptyName) {
  EXPECT_TRUE(matches_pattern("", ""));
  EXPECT_FALSE(matches_pattern("", "0.weight"));
}
