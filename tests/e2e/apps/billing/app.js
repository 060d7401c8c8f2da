// A stand-in for a production (or test) service: says it started, then ticks.
const name = process.env.name || 'app';
console.log(`${name} started`);
setInterval(() => console.log(`${name} tick`), 1000);
