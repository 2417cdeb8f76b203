namespace Fieldwork.Rules;

/// <summary>
/// Marks a request field that holds free text (a transcript, notes, a definition, a statement):
/// it may span lines and hold tabs, and has no default maximum length. Every other string of a
/// request is a single line. The API applies the character policy to both (docs/api.md,
/// "Characters and text"); only this attribute tells them apart.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LongTextAttribute : Attribute;
