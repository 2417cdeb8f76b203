global using Fieldwork.Api.Problems;
