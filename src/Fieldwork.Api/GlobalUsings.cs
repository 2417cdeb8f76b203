// What every endpoint speaks: access, the write pipeline, time travel, pages, the store and Wolverine's routes.
global using Fieldwork.Access;
global using Fieldwork.Api.Access;
global using Fieldwork.Api.Lists;
global using Fieldwork.Api.Problems;
global using Fieldwork.Api.Recording;
global using Fieldwork.Api.Timeline;
global using Fieldwork.Rules;
global using Fieldwork.Timeline;
global using Marten;
global using Microsoft.AspNetCore.Mvc;
global using Wolverine.Http;
