using Fieldwork.Links;

namespace Fieldwork.Api.Links;

public sealed record LinkView(Guid Id, Guid SiteAId, Guid SiteBId, DateOnly FormedOn, string? Note, int Version)
{
    public static LinkView From(Link link) => new(link.Id, link.SiteAId, link.SiteBId, link.FormedOn, link.Note, link.Version);
}
