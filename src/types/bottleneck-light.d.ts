// bottleneck's types describe its main entry; light.js (what GitHub's octokit plugins load, without
// the Redis clustering code) has the same API.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
