package io.quorumkeeper.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA and one node certificate for the class archive's TLS training run, laid out as the
 * operator mounts a cluster's TLS Secret: {@code ca.crt} and {@code <pod>.pem} (PKCS#8 key, the
 * node's certificate, the CA's certificate). Issued by the JRE's own {@code keytool} (EC P-256,
 * serverAuth and clientAuth, valid two days, names {@code 127.0.0.1} and {@code localhost}), so the
 * node's classpath needs no certificate library; the key is read back through the public {@link
 * KeyStore} API. Nothing here is secret: the material dies with the training directory.
 */
final class TrainingCertificates {

  private static final String PASSWORD = "training-only";
  private static final long KEYTOOL_WITHIN_SECONDS = 60;

  private TrainingCertificates() {}

  /**
   * Writes {@code ca.crt} and {@code <pod>.pem} into {@code dir} (created) for a certificate with
   * {@code CN=<pod>}; returns {@code dir}.
   *
   * @throws IOException when keytool is missing, fails or does not end within a minute
   */
  static Path issue(Path dir, String pod) throws IOException {
    Files.createDirectories(dir);
    // keytool runs in dir, so these names need no path (and hold no space: pod names cannot)
    keytool(
        dir,
        "-genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname CN=training-ca -ext bc:c"
            + " -ext KU=keyCertSign,cRLSign -validity 2 -keystore ca.p12 -storetype PKCS12");
    keytool(dir, "-exportcert -rfc -alias ca -keystore ca.p12 -file ca.crt");
    keytool(
        dir,
        "-genkeypair -alias node -keyalg EC -groupname secp256r1 -dname CN="
            + pod
            + " -validity 2 -keystore node.p12 -storetype PKCS12");
    keytool(dir, "-certreq -alias node -keystore node.p12 -file node.csr");
    keytool(
        dir,
        "-gencert -rfc -alias ca -keystore ca.p12 -infile node.csr -outfile node.crt -validity 2"
            + " -ext SAN=ip:127.0.0.1,dns:localhost -ext KU=digitalSignature"
            + " -ext EKU=serverAuth,clientAuth");
    Path caCert = dir.resolve("ca.crt");
    String caPem = unixLines(caCert);
    Files.writeString(caCert, caPem, StandardCharsets.US_ASCII);
    String pem =
        privateKeyPem(dir.resolve("node.p12")) + unixLines(dir.resolve("node.crt")) + caPem;
    Files.writeString(dir.resolve(pod + ".pem"), pem, StandardCharsets.US_ASCII);
    for (String scratch : List.of("ca.p12", "node.p12", "node.csr", "node.crt")) {
      Files.delete(dir.resolve(scratch));
    }
    return dir;
  }

  /** keytool writes PEM with CRLF line ends; the files the operator mounts have LF. */
  private static String unixLines(Path pem) throws IOException {
    return Files.readString(pem, StandardCharsets.US_ASCII).replace("\r\n", "\n").strip() + "\n";
  }

  private static String privateKeyPem(Path keystore) throws IOException {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      Key key = store.getKey("node", PASSWORD.toCharArray());
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IOException("could not read the training key back from " + keystore, e);
    }
  }

  /**
   * Runs one keytool command in {@code dir}: {@code options} split at spaces, then the store
   * password.
   */
  private static void keytool(Path dir, String options) throws IOException {
    String[] args = options.split(" ");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storepass", PASSWORD, "-noprompt"));
    Path output = dir.resolve("keytool.out");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      if (!process.waitFor(KEYTOOL_WITHIN_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool " + args[0] + " did not end within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while keytool " + args[0] + " ran", e);
    }
    String said = Files.readString(output).strip();
    Files.delete(output);
    if (process.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " exited " + process.exitValue() + ": " + said);
    }
  }
}
