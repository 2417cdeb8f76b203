using Microsoft.AspNetCore.Components.Web;

namespace Fieldwork.Web.Components;

/// <summary>
/// Every page is interactive on the server, without prerendering: the bearer token lives in the
/// browser tab's sessionStorage, which a prerender on the server cannot read, so a page renders
/// once the tab's circuit has the token.
/// </summary>
public static class RenderModes
{
    public static readonly InteractiveServerRenderMode Server = new(prerender: false);
}
