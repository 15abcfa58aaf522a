/**
 * Micrometer bindings for broker-client: {@link no.brokerclient.micrometer.MicrometerTelemetry} (meters from the
 * SDK's {@link no.brokerclient.TelemetryListener} events) and {@link no.brokerclient.micrometer.ObservationInterceptor}
 * (an Observation per HTTP attempt, so a tracing bridge propagates {@code traceparent}).
 */
package no.brokerclient.micrometer;
