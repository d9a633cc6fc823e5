package io.quorumkeeper.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPropertiesTest {

  @TempDir Path dir;

  @Test
  void givenKafkasMetaProperties_whenRead_thenIdentityIsReturned() throws IOException {
    Files.writeString(
        dir.resolve("meta.properties"),
        """
        #
        #Mon Nov 23 19:41:17 UTC 2026
        node.id=2
        directory.id=cXV1eGNvcmdlZ3JhdWx0MQ
        version=1
        cluster.id=MkU3OEVBNTcwNTJENDM2Qg
        """);

    assertThat(MetaProperties.read(dir))
        .hasValue(new MetaProperties("MkU3OEVBNTcwNTJENDM2Qg", 2, "cXV1eGNvcmdlZ3JhdWx0MQ"));
  }

  @Test
  void givenNoFile_whenRead_thenTheDiskIsEmpty() {
    assertThat(MetaProperties.read(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void givenAFileWithoutClusterId_whenRead_thenTheNodeRefusesToStart() throws IOException {
    Files.writeString(dir.resolve("meta.properties"), "node.id=2\n");

    assertThatThrownBy(() -> MetaProperties.read(dir))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("no cluster.id or node.id")
        .extracting(e -> ((LaunchException) e).exitCode())
        .isEqualTo(LaunchException.STORAGE_REFUSED);
  }
}
