package no.brokerclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import no.brokerclient.internal.Durations;
import no.brokerclient.model.FileTransferInitialize;
import no.brokerclient.model.FileTransferSearch;
import no.brokerclient.model.FileTransferStatus;
import no.brokerclient.model.OrganizationNumber;
import no.brokerclient.model.ResourceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  @ParameterizedTest
  @ValueSource(strings = {"991825827", "0192:991825827", "urn:altinn:organization:identifier-no:991825827",
      " 991 825 827 "})
  void organizationNumberForms(String value) {
    OrganizationNumber o = OrganizationNumber.of(value);
    assertEquals("991825827", o.digits());
    assertEquals("0192:991825827", o.iso6523());
    assertEquals("urn:altinn:organization:identifier-no:991825827", o.urn());
  }

  @ParameterizedTest
  @ValueSource(strings = {"991825826", "99182582", "9918258270", "abcdefghi", "0088:991825827", ""})
  void invalidOrganizationNumbers(String value) {
    BrokerValidationException e = assertThrows(BrokerValidationException.class, () -> OrganizationNumber.of(value));
    assertEquals("organizationNumber", e.field());
  }

  @Test
  void modulus11CheckDigit() {
    // 12345678x: weighted sum 138, 138 % 11 = 6, check digit 11 - 6 = 5.
    assertTrue(OrganizationNumber.isValid("123456785"));
    for (int d = 0; d <= 9; d++) {
      assertEquals(d == 5, OrganizationNumber.isValid("12345678" + d), "12345678" + d);
    }
    // 10000013x: weighted sum has remainder 1, so the check digit would be 10: no valid number exists.
    for (int d = 0; d <= 9; d++) {
      assertFalse(OrganizationNumber.isValid("10000013" + d), "10000013" + d);
    }
  }

  @Test
  void resourceIds() {
    assertEquals("my-resource", ResourceId.of("urn:altinn:resource:my-resource").id());
    assertEquals("urn:altinn:resource:my-resource", ResourceId.of("my-resource").urn());
    assertThrows(BrokerValidationException.class, () -> ResourceId.of("urn:altinn:resource:"));
    assertThrows(BrokerValidationException.class, () -> ResourceId.of("a:b"));
    assertThrows(BrokerValidationException.class, () -> ResourceId.of("has space"));
    assertThrows(BrokerValidationException.class, () -> ResourceId.of("x".repeat(256)));
    assertEquals(255, ResourceId.of("x".repeat(255)).id().length());
  }

  @Test
  void requestsTakeAResourceIdAsWellAsAString() {
    ResourceId id = ResourceId.of("urn:altinn:resource:my-resource");
    assertEquals(id, valid().resourceId(id).build().resourceId());
    assertEquals("resourceId", field(valid().resourceId((ResourceId) null)));
    assertEquals(id, FileTransferSearch.builder(id).build().resourceId());
    assertEquals(id, no.brokerclient.model.MonthlyStatisticsRequest.builder(java.time.YearMonth.of(2026, 8))
        .resourceId(id).build().resourceId());
  }

  static FileTransferInitialize.Builder valid() {
    return FileTransferInitialize.builder().resourceId("r").fileName("f.txt").sender("991825827")
        .recipient("986252932");
  }

  static String field(FileTransferInitialize.Builder b) {
    return assertThrows(BrokerValidationException.class, b::build).field();
  }

  @Test
  void initializeRulesNameTheField() {
    assertEquals("fileName", field(valid().fileName("")));
    assertEquals("fileName", field(valid().fileName("x".repeat(256))));
    valid().fileName("x".repeat(255)).build();
    assertEquals("resourceId", field(valid().resourceId((String) null)));
    assertEquals("sendersFileTransferReference", field(valid().sendersFileTransferReference("")));
    assertEquals("sendersFileTransferReference", field(valid().sendersFileTransferReference("x".repeat(501))));
    valid().sendersFileTransferReference("x".repeat(500)).build();
    assertEquals("sender", field(valid().sender("991825826")));
    assertEquals("recipients", field(FileTransferInitialize.builder().resourceId("r").fileName("f")
        .sender("991825827")));
    assertEquals("recipients[1]", field(valid().recipient("123")));
    assertEquals("recipients[1]", field(valid().recipient("0192:986252932")));
    assertEquals("checksum", field(valid().checksum("9E107D9D372BB6826BD81D3542A419D6")));
    assertEquals("checksum", field(valid().checksum("9e107d9d")));
    Map<String, String> eleven = new HashMap<>();
    for (int i = 0; i < 11; i++) {
      eleven.put("k" + i, "v");
    }
    assertEquals("propertyList", field(valid().propertyList(eleven)));
    assertEquals("propertyList", field(valid().property("k".repeat(51), "v")));
    assertEquals("propertyList[k]", field(valid().property("k", "v".repeat(3001))));
    valid().property("k".repeat(50), "v".repeat(3000)).build();
  }

  @Test
  void uppercaseChecksumMessageExplains() {
    BrokerValidationException e = assertThrows(BrokerValidationException.class,
        () -> valid().checksum("9E107D9D372BB6826BD81D3542A419D6").build());
    assertTrue(e.getMessage().contains("upper case"), e.getMessage());
  }

  @Test
  void initializeIsImmutableAndRoundTrips() {
    FileTransferInitialize a = valid().property("a", "1").build();
    assertEquals(a, a.toBuilder().build());
    assertThrows(UnsupportedOperationException.class, () -> a.propertyList().put("b", "2"));
    assertThrows(UnsupportedOperationException.class, () -> a.recipients().clear());
  }

  @Test
  void searchRejectsInvertedRange() {
    BrokerValidationException e = assertThrows(BrokerValidationException.class, () -> FileTransferSearch.builder("r")
        .from(Instant.parse("2026-02-01T00:00:00Z")).to(Instant.parse("2026-01-01T00:00:00Z")).build());
    assertEquals("from", e.field());
  }

  @Test
  void expandableEnum() {
    assertTrue(FileTransferStatus.valueOf("published") == FileTransferStatus.PUBLISHED);
    FileTransferStatus x = FileTransferStatus.valueOf("Archived");
    assertFalse(x.isKnown());
    assertEquals(x, FileTransferStatus.valueOf("ARCHIVED"));
    assertEquals("Archived", x.toString());
  }

  @Test
  void fastTimestampParsingAgreesWithJavaTime() {
    for (String t : new String[] {"2026-08-01T10:15:30.123456+00:00", "2026-08-01T10:15:30Z", "2026-08-01T10:15:30.1Z",
        "2026-12-31T23:59:59.999999999-05:30", "2024-02-29T00:00:00+14:00", "2026-08-01T10:15:30.1234567Z"}) {
      assertEquals(java.time.OffsetDateTime.parse(t).toInstant(), no.brokerclient.internal.Json.parseInstant(t), t);
    }
    assertEquals(java.time.Instant.parse("2026-08-01T10:15:30Z"),
        no.brokerclient.internal.Json.parseInstant("2026-08-01T10:15:30"), "no offset means UTC");
    assertThrows(java.time.format.DateTimeParseException.class,
        () -> no.brokerclient.internal.Json.parseInstant("2026-02-30T10:15:30Z"));
  }

  @Test
  void durations() {
    assertEquals("P30D", Durations.toIso(Duration.ofDays(30)));
    assertEquals("PT2H", Durations.toIso(Duration.ofHours(2)));
    assertEquals("P1DT2H30M", Durations.toIso(Duration.ofDays(1).plusHours(2).plusMinutes(30)));
    assertEquals("PT0.5S", Durations.toIso(Duration.ofMillis(500)));
    assertEquals("PT0S", Durations.toIso(Duration.ZERO));
    assertEquals(Duration.ofDays(30), Durations.parse("30.00:00:00"));
    assertEquals(Duration.ofHours(2), Durations.parse("02:00:00"));
    assertEquals(Duration.ofDays(1).plusMillis(250), Durations.parse("1.00:00:00.2500000"));
    assertEquals(Duration.ofDays(30), Durations.parse("P30D"));
    assertEquals(Duration.ofMinutes(-90), Durations.parse("-01:30:00"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("thirty days"));
    for (Duration d : new Duration[] {Duration.ofDays(365), Duration.ofMinutes(61), Duration.ofSeconds(3661)}) {
      assertEquals(d, Durations.parse(Durations.toIso(d)));
    }
  }
}
