package no.brokerclient.spring.boot;

import okhttp3.OkHttpClient;

/**
 * Adjusts the OkHttp client that Maskinporten, the Broker clients and the Events client share (proxy, TLS,
 * interceptors, event listener). Beans of this type run in {@code @Order}. The SDK derives its clients from it with
 * {@code newBuilder()} and sets its own timeouts and retry rules on them.
 */
@FunctionalInterface
public interface OkHttpClientCustomizer {
  /** @param builder the shared client's builder */
  void customize(OkHttpClient.Builder builder);
}
