namespace Fieldwork.Api.Health;

public sealed record HealthView(string Status, string Database);
