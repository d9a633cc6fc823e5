package io.quorumkeeper.operator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator ({@code target/quarkus-app}, what the image copies), after {@code package}:
 * its Bouncy Castle jars carry no signature, so that Quarkus's class loader does not verify every
 * entry it reads from them on the operator's first TLS cluster ({@code
 * quarkus.class-loading.removed-resources} in application.properties names the files; a Bouncy
 * Castle update that renames them fails here).
 */
class OperatorPackageTest {

  private static final Path LIB = Path.of("target/quarkus-app/lib/main");

  @Test
  void theBouncyCastleJarsAreUnsigned() throws IOException {
    List<Path> jars;
    try (Stream<Path> files = Files.list(LIB)) {
      jars = files.filter(p -> p.getFileName().toString().startsWith("org.bouncycastle.")).toList();
    }
    assertThat(jars).as("Bouncy Castle jars in %s", LIB).hasSizeGreaterThanOrEqualTo(2);
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        assertThat(
                file.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")))
            .as("signature files of %s", jar.getFileName())
            .isEmpty();
      }
    }
  }
}
