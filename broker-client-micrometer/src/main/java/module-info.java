/**
 * broker-client micrometer: meters and observations for the SDK ({@link no.brokerclient.micrometer}).
 */
module no.brokerclient.micrometer {
  requires transitive no.brokerclient.core;
  // Micrometer's jars are automatic modules (the pom silences that lint); its types are in this module's API.
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires okhttp3;

  exports no.brokerclient.micrometer;
}
