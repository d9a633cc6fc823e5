package io.quorumkeeper.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenTest {

  @TempDir Path dir;

  @Test
  void givenATokenFileWithATrailingNewline_whenRead_thenTheNewlineIsNotPartOfTheToken()
      throws IOException {
    Path file = Files.writeString(dir.resolve("agent-token"), "abc123\n");

    BearerToken token = BearerToken.fromFile(file);

    assertThat(token.accepts("Bearer abc123")).isTrue();
    assertThat(token.accepts("Bearer abc123\n")).isTrue();
    assertThat(token.accepts("Bearer abc1234")).isFalse();
    assertThat(token.accepts("Bearer abc12")).isFalse();
    assertThat(token.accepts("abc123")).isFalse();
    assertThat(token.accepts(null)).isFalse();
  }

  @Test
  void givenAnEmptyTokenFile_whenRead_thenTheNodeDoesNotStart() throws IOException {
    Path file = Files.writeString(dir.resolve("agent-token"), "  \n");

    assertThatThrownBy(() -> BearerToken.fromFile(file))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("is empty");
  }

  @Test
  void givenNoTokenFile_whenRead_thenTheErrorNamesThePath() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> BearerToken.fromFile(missing))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining(missing.toString());
  }
}
