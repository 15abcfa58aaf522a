package no.brokerclient.access;

/**
 * What {@link AccessLists#addMembers} or {@link AccessLists#removeMembers} did. The server's answer to each chunk is
 * the first page of the list, not an echo of the change, so this reports counts and the list's new version; read
 * the members with {@link AccessLists#members}.
 *
 * @param requested distinct parties asked for
 * @param requests chunks sent (at most 100 parties each)
 * @param version the list's version after the last chunk, or {@code null} when nothing was sent
 */
public record MembershipChange(int requested, int requests, Version version) {}
