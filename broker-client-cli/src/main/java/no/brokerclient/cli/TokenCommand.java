package no.brokerclient.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code broker token --scopes …}: gets a token and prints its claims; the token itself only on request. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Get a Maskinporten token (or, with --altinn, the exchanged Altinn token) and print its claims."
        + " The token itself is printed only with --print-token.")
final class TokenCommand extends SessionCommand {
  @Option(names = "--scopes", split = ",", arity = "1..*", paramLabel = "SCOPE",
      description = "scopes (default: the role's Broker scopes)")
  List<String> scopes;
  @Mixin
  RoleOption role;
  @Option(names = "--altinn", description = "exchange for an Altinn token first")
  boolean altinn;
  @Option(names = "--print-token", description = "also print the token (a secret: keep it out of logs)")
  boolean printToken;

  @Override
  int run(Session s) throws java.io.IOException {
    var set = scopes != null ? java.util.Set.copyOf(new LinkedHashSet<>(scopes)) : s.brokerScopes();
    String token = altinn ? s.maskinporten().altinnTokens().accessToken(set) : s.maskinporten().accessToken(set);
    String[] parts = token.split("\\.");
    if (parts.length < 2) {
      throw new CliException(ExitCode.FAILED, "the token is not a JWT; its claims cannot be shown");
    }
    JsonNode claims = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
        StandardCharsets.UTF_8));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("claims", claims);
    if (printToken) {
      out.put("access_token", token);
    }
    Json.print(ctx.out(), out);
    return 0;
  }
}
