using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fieldwork.Api.Problems;

/// <summary>
/// Applies <see cref="TextPolicy"/> to every string a request body holds, however deep (nested
/// objects, lists), under its JSON path: the one place bodies' text is checked, whatever the
/// validators say. The walk follows the serializer's own contract of the body type, so the paths
/// are the JSON's ("consent.informationSheetVersion", "items[2].title") and a computed property
/// the client never sends is not looked at; it is worked out once per type. A single line's
/// length is checked here only when its validator sets no maximum, so that an over-long field
/// gets one message, with its own maximum.
/// </summary>
public static class RequestText
{
    private abstract record Node;

    private sealed record Text(TextKind Kind, int MaxLength) : Node;

    private sealed record Member(string Name, Func<object, object?> Get, Node Node);

    private sealed record Composite(IReadOnlyList<Member> Members) : Node;

    private sealed record Items(Node Item) : Node;

    /// <summary>What to look at in each body type; null for a type that holds no text at all.</summary>
    private static readonly ConcurrentDictionary<Type, Node?> Plans = new();

    /// <summary>Adds an entry to <paramref name="errors"/> for each string of <paramref name="body"/> the policy refuses.</summary>
    public static void Check(object body, JsonSerializerOptions options, IServiceProvider services, IDictionary<string, List<string>> errors)
    {
        if (Plans.GetOrAdd(body.GetType(), type => Plan(type, TextKind.SingleLine, null, options, services, [])) is { } plan)
        {
            Walk(body, plan, "", errors);
        }
    }

    private static void Walk(object value, Node node, string path, IDictionary<string, List<string>> errors)
    {
        switch (node)
        {
            case Text text when value is string s && TextPolicy.Find(s, text.Kind, text.MaxLength) is { } fault:
                var key = path.Length == 0 ? "body" : path;
                if (!errors.TryGetValue(key, out var messages))
                {
                    errors[key] = messages = [];
                }

                messages.Add(TextPolicy.Describe(key, fault, text.Kind, text.MaxLength));
                break;
            case Composite composite:
                foreach (var member in composite.Members)
                {
                    if (member.Get(value) is { } child)
                    {
                        Walk(child, member.Node, RequestShape.Join(path, member.Name), errors);
                    }
                }

                break;
            case Items items when value is IEnumerable list:
                var index = 0;
                foreach (var item in list)
                {
                    if (item is not null)
                    {
                        Walk(item, items.Item, RequestShape.Index(path, index), errors);
                    }

                    index++;
                }

                break;
        }
    }

    /// <summary>
    /// What to check in a value of <paramref name="type"/>, held by a property of this
    /// <paramref name="kind"/> on which the validator sets <paramref name="validatorMax"/> (if any).
    /// </summary>
    private static Node? Plan(Type type, TextKind kind, int? validatorMax, JsonSerializerOptions options, IServiceProvider services, HashSet<Type> seen)
    {
        if (type == typeof(string))
        {
            return new Text(kind, validatorMax is null && kind == TextKind.SingleLine ? TextPolicy.SingleLineMaxLength : int.MaxValue);
        }

        if (!seen.Add(type))
        {
            return null; // a type that holds itself: not a request body of this API
        }

        try
        {
            var info = options.GetTypeInfo(type);
            if (info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } element)
            {
                // [LongText] on a list of strings makes each item a long text.
                return Plan(element, kind, null, options, services, seen) is { } item ? new Items(item) : null;
            }

            if (info.Kind != JsonTypeInfoKind.Object)
            {
                return null;
            }

            var members = new List<Member>();
            foreach (var property in RequestShape.Properties(type, options))
            {
                var member = property.AttributeProvider as MemberInfo;
                var longText = member?.IsDefined(typeof(LongTextAttribute), inherit: true) == true;
                var max = member is null ? null : RequestShape.ValidatorMaxLength(type, member.Name, services);
                if (Plan(property.PropertyType, longText ? TextKind.Long : TextKind.SingleLine, max, options, services, seen) is { } node)
                {
                    members.Add(new Member(property.Name, property.Get!, node));
                }
            }

            return members.Count > 0 ? new Composite(members) : null;
        }
        finally
        {
            seen.Remove(type);
        }
    }
}
