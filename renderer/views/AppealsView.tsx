export { AppealsView } from './appeals/AppealsView.tsx';
