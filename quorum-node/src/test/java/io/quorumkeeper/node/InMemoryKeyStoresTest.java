package io.quorumkeeper.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.tls.TestCa;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A PEM key put into a PKCS12 key store the way Kafka's PEM support and the agent do (in memory,
 * under a password, then read back by a key manager) is protected with one PBKDF2 iteration once
 * the launcher's setting is in place, and with the JDK's 10,000 without it. The count is read from
 * the store's own encoding.
 */
class InMemoryKeyStoresTest {

  private static final char[] PASSWORD = "in-memory".toCharArray();

  @AfterEach
  void jdkDefault() {
    System.clearProperty(InMemoryKeyStores.KEY_COUNT);
  }

  @Test
  void theLaunchersSettingProtectsAKeyWithOneIteration_theJdkDefaultWith10000() throws Exception {
    KeyStore.PrivateKeyEntry issued = TestCa.create("in-memory-key-stores").issue("orders-node-0");
    PrivateKey key = issued.getPrivateKey();
    Certificate[] chain = issued.getCertificateChain();

    System.clearProperty(InMemoryKeyStores.KEY_COUNT);
    assertThat(keyIterations(key, chain)).as("the JDK's default").isEqualTo(10_000);

    InMemoryKeyStores.protectWithOneIteration();
    assertThat(keyIterations(key, chain)).isEqualTo(1);

    System.setProperty(InMemoryKeyStores.KEY_COUNT, "2048");
    InMemoryKeyStores.protectWithOneIteration();
    assertThat(keyIterations(key, chain))
        .as("a count given on the command line wins")
        .isEqualTo(2048);
  }

  /** Kafka's way: a fresh PKCS12 store, the key set under a password, a key manager reading it. */
  private static int keyIterations(PrivateKey key, Certificate[] chain) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("kafka", key, PASSWORD, chain);
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    assertThat(keys.getKeyManagers()).isNotEmpty();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.store(bytes, PASSWORD);
    PKCS12PfxPdu pfx = new PKCS12PfxPdu(bytes.toByteArray());
    // the JDK keeps key bags in a plain data part (certificates in an encrypted one)
    return Arrays.stream(pfx.getContentInfos())
        .filter(info -> info.getContentType().equals(PKCSObjectIdentifiers.data))
        .flatMap(info -> Arrays.stream(new PKCS12SafeBagFactory(info).getSafeBags()))
        .filter(bag -> bag.getType().equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag))
        .map(bag -> ((PKCS8EncryptedPrivateKeyInfo) bag.getBagValue()).getEncryptionAlgorithm())
        .map(
            algorithm ->
                PBKDF2Params.getInstance(
                        PBES2Parameters.getInstance(algorithm.getParameters())
                            .getKeyDerivationFunc()
                            .getParameters())
                    .getIterationCount()
                    .intValueExact())
        .findFirst()
        .orElseThrow();
  }
}
