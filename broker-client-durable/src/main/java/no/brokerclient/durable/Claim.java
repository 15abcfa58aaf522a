package no.brokerclient.durable;

import java.time.Instant;
import java.util.UUID;

/**
 * Who works on a row: the instance ({@code owner}), the token that fences its writes and when the lease ends. A row
 * whose lease has passed may be claimed by another instance; writes with the old token then fail.
 *
 * @param owner the instance id
 * @param token the claim token
 * @param leaseUntil when the claim lapses unless renewed
 */
public record Claim(String owner, UUID token, Instant leaseUntil) {}
